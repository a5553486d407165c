/**
 * Verifies a trail and its checkpoints and says where it was changed. Used by the app
 * (`audit:verify`) and by the `verify` command, on the files alone: no vault key is needed, only
 * the workstation's public key (the app derives it from the key under the vault; the command takes
 * the copy the organisation holds, or the one beside the trail).
 *
 * What is found and located:
 * - edited: a record whose payload no longer gives its stated hash (it, or the one before it, changed);
 * - missing: sequence numbers that never appear (deleted records);
 * - out-of-order: a record after one with a higher number (reordered);
 * - damaged: a line that is not a record at all;
 * - truncated: a signed checkpoint fixes a record beyond the end of the trail;
 * - checkpoint-mismatch: the record a signed checkpoint fixes has another hash (the chain was
 *   rewritten up to there, or the whole file replaced: `replaced` when no checkpoint matches);
 * - forged-checkpoint: a checkpoint whose signature does not verify under the workstation key;
 * - unsigned-tail: records after the last checkpoint (normal for the newest few; an error past the
 *   checkpoint interval, which means checkpoints were removed).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, chainHash, checkpointValid, parseCheckpoint, splitLine, type Checkpoint } from './audit-chain.js';
import { leadingSeq, trailLines } from './trail-lines.js';

export type AuditProblemKind =
  'edited' | 'missing' | 'out-of-order' | 'damaged' | 'truncated' | 'checkpoint-mismatch' | 'replaced' | 'forged-checkpoint' | 'unsigned-tail' | 'no-trail';

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The record's sequence number (for missing: the first missing one; `count` how many). */
  seq?: number;
  count?: number;
  /** 1-based line in trail.jsonl (or in checkpoints.jsonl for checkpoint problems). */
  line?: number;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  records: number;
  firstSeq: number | null;
  lastSeq: number | null;
  checkpoints: number;
  /** Records after the last valid checkpoint. */
  unsignedTail: number;
  problems: AuditProblem[];
}

/** Hashes of the most recent records kept to check a record that arrives out of order against its real predecessor. */
const RECENT = 4096;

export async function verifyTrail(options: {
  trailFile: string;
  checkpointFile: string;
  publicKey: KeyObject;
  /** The checkpoint interval: more unsigned records than this means checkpoints were removed. */
  checkpointEvery?: number;
}): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  const signed = new Map<number, { h: string; line: number; checkpoint: Checkpoint }>();
  let checkpoints = 0;
  if (existsSync(options.checkpointFile)) {
    const lines = readFileSync(options.checkpointFile, 'utf8').split('\n');
    lines.forEach((text, index) => {
      if (!text) return;
      const c = parseCheckpoint(text);
      if (!c) {
        problems.push({ kind: 'damaged', line: index + 1, message: `Checkpoint line ${index + 1} is not a checkpoint.` });
        return;
      }
      if (!checkpointValid(options.publicKey, c)) {
        problems.push({
          kind: 'forged-checkpoint',
          seq: c.s,
          line: index + 1,
          message: `Checkpoint line ${index + 1} (record ${c.s}) is not signed by this workstation's key.`,
        });
        return;
      }
      checkpoints++;
      signed.set(c.s, { h: c.h, line: index + 1, checkpoint: c });
    });
  }
  if (!existsSync(options.trailFile)) {
    const last = Math.max(0, ...signed.keys());
    if (last > 0) problems.push({ kind: 'truncated', seq: 1, count: last, message: `The trail file is gone; signed checkpoints cover records up to ${last}.` });
    return { ok: last === 0, records: 0, firstSeq: null, lastSeq: null, checkpoints, unsignedTail: 0, problems };
  }

  const recent = new Map<number, string>();
  const remember = (seq: number, hash: string) => {
    recent.set(seq, hash);
    if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  };
  const missing = new Map<number, number>(); // first missing seq → count
  let records = 0;
  let firstSeq: number | null = null;
  let highest = 0;
  let lastSignedSeq = 0;
  let matched = 0;
  let mismatched = 0;
  let lineNo = 0;
  for await (const text of trailLines(options.trailFile)) {
    lineNo++;
    const split = splitLine(text);
    // Only the sequence number is read: the hash covers the payload's exact bytes, whatever they say.
    const seq = split ? leadingSeq(split.payload) : null;
    if (!split || seq === null) {
      problems.push({ kind: 'damaged', line: lineNo, message: `Line ${lineNo} of the trail is not a record.` });
      continue;
    }
    records++;
    if (firstSeq === null) {
      firstSeq = seq;
      // A trail that starts later was pruned: its first record must follow a signed checkpoint.
      if (seq === 1) remember(0, GENESIS_HASH);
      else if (signed.has(seq - 1)) remember(seq - 1, signed.get(seq - 1)!.h);
      else missing.set(1, seq - 1);
      highest = seq - 1;
    }
    if (seq === highest + 1) {
      const previous = recent.get(seq - 1);
      if (previous !== undefined && chainHash(previous, split.payload) !== split.hash)
        problems.push({
          kind: 'edited',
          seq,
          line: lineNo,
          message: `Record ${seq} (line ${lineNo}) does not match its chain hash: it or the record before it was changed.`,
        });
      highest = seq;
    } else if (seq > highest + 1) {
      missing.set(highest + 1, seq - highest - 1);
      highest = seq;
    } else {
      // Lower than one already seen: reordered (and no longer missing), or a duplicate.
      let filled = false;
      for (const [start, count] of missing) {
        if (seq >= start && seq < start + count) {
          missing.delete(start);
          if (seq > start) missing.set(start, seq - start);
          if (seq + 1 < start + count) missing.set(seq + 1, start + count - seq - 1);
          filled = true;
          break;
        }
      }
      problems.push({
        kind: 'out-of-order',
        seq,
        line: lineNo,
        message: filled
          ? `Record ${seq} (line ${lineNo}) is out of order: it stands after record ${highest}.`
          : `Record ${seq} (line ${lineNo}) appears twice.`,
      });
      const previous = recent.get(seq - 1);
      if (previous !== undefined && chainHash(previous, split.payload) !== split.hash)
        problems.push({ kind: 'edited', seq, line: lineNo, message: `Record ${seq} (line ${lineNo}) does not match its chain hash.` });
    }
    remember(seq, split.hash);
    const checkpoint = signed.get(seq);
    if (checkpoint) {
      if (checkpoint.h === split.hash) {
        matched++;
        lastSignedSeq = Math.max(lastSignedSeq, seq);
      } else {
        mismatched++;
        problems.push({
          kind: 'checkpoint-mismatch',
          seq,
          line: lineNo,
          message: `Record ${seq} (line ${lineNo}) is not the record the checkpoint signed at ${new Date(checkpoint.checkpoint.t).toISOString()} fixes: the trail was rewritten up to here.`,
        });
      }
    }
  }
  for (const [start, count] of missing)
    problems.push({
      kind: 'missing',
      seq: start,
      count,
      message: count === 1 ? `Record ${start} is missing (deleted).` : `Records ${start}–${start + count - 1} are missing (deleted).`,
    });
  const beyond = [...signed.keys()].filter((s) => s > highest).sort((a, b) => b - a);
  if (beyond.length > 0)
    problems.push({
      kind: 'truncated',
      seq: highest + 1,
      count: beyond[0]! - highest,
      message: `The trail ends at record ${highest}, but a signed checkpoint fixes record ${beyond[0]}: the trail was cut short.`,
    });
  if (mismatched > 0 && matched === 0 && mismatched === [...signed.keys()].filter((s) => s <= highest).length && mismatched > 1)
    problems.push({ kind: 'replaced', message: 'No signed checkpoint matches the trail: the whole file was replaced.' });
  const unsignedTail = Math.max(0, highest - lastSignedSeq);
  if (unsignedTail > 0) {
    const tooMany = options.checkpointEvery !== undefined && unsignedTail > options.checkpointEvery;
    problems.push({
      kind: 'unsigned-tail',
      seq: lastSignedSeq + 1,
      count: unsignedTail,
      message: tooMany
        ? `Records ${lastSignedSeq + 1}–${highest} have no signed checkpoint, more than the interval of ${options.checkpointEvery}: checkpoints were removed.`
        : `Records ${lastSignedSeq + 1}–${highest} are newer than the last checkpoint (signed at the next one).`,
    });
  }
  const serious = problems.filter((p) => p.kind !== 'unsigned-tail' || (options.checkpointEvery !== undefined && (p.count ?? 0) > options.checkpointEvery));
  return { ok: serious.length === 0, records, firstSeq, lastSeq: records ? highest : null, checkpoints, unsignedTail, problems };
}
