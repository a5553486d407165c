/**
 * The trail's on-disk shape, shared by the writer and the verifier (in the app and the `verify`
 * command). One record per line: `<payload JSON> <sha-256 hex>`, where the hash covers the
 * previous record's hash and this payload, so every record fixes all before it. The payload is
 * `{"s":seq,"t":ms,"p":[pseudonyms],"b":"<sealed body, base64>"}`: sequence and time in clear for
 * locating, pseudonyms in clear for lookups, the body sealed under the vault key (AAD `audit:<seq>`).
 *
 * Checkpoints (one JSON object per line in checkpoints.jsonl) are Ed25519 signatures by the
 * workstation key over a record's sequence number and hash, in the manner of RFC 5848 signature
 * blocks: without the key (kept sealed under the vault key) nobody can rewrite the chain up to a
 * checkpoint, and a checkpoint shipped off the workstation shows when the local copy was cut short.
 */
import { createHash, sign, verify, type KeyObject } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface TrailPayload {
  s: number;
  t: number;
  p: string[];
  b: string;
}

export function payloadJson(payload: TrailPayload): string {
  // Fixed key order: the bytes hashed are the bytes written.
  return JSON.stringify({ s: payload.s, t: payload.t, p: payload.p, b: payload.b });
}

export function chainHash(previous: string, payload: string): string {
  return createHash('sha256').update(previous).update(payload).digest('hex');
}

export function trailLine(previous: string, payload: TrailPayload): { line: string; hash: string } {
  const json = payloadJson(payload);
  const hash = chainHash(previous, json);
  return { line: `${json} ${hash}\n`, hash };
}

/** Splits a line into its payload and stated hash; null when the line is not of that shape. */
export function splitLine(line: string): { payload: string; hash: string } | null {
  const space = line.lastIndexOf(' ');
  if (space < 0 || line.length - space - 1 !== 64) return null;
  const hash = line.slice(space + 1);
  if (!/^[0-9a-f]{64}$/.test(hash)) return null;
  return { payload: line.slice(0, space), hash };
}

export function parsePayload(payload: string): TrailPayload | null {
  try {
    const value = JSON.parse(payload) as Partial<TrailPayload>;
    if (!Number.isSafeInteger(value.s) || !Number.isFinite(value.t) || !Array.isArray(value.p) || typeof value.b !== 'string') return null;
    return value as TrailPayload;
  } catch {
    return null;
  }
}

export interface Checkpoint {
  /** The record the checkpoint fixes, and its chain hash. */
  s: number;
  h: string;
  /** When it was signed (ms), and why: every N records, a period passed, or the app closed. */
  t: number;
  why: 'count' | 'period' | 'close' | 'prune';
  /** The workstation key's SHA-256 fingerprint (hex of the SPKI DER). */
  k: string;
  sig: string;
}

function signedBytes(c: Omit<Checkpoint, 'sig'>): Buffer {
  return Buffer.from(`sinetti-audit-checkpoint-v1\n${c.s}\n${c.h}\n${c.t}\n${c.why}\n${c.k}`, 'utf8');
}

export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function signCheckpoint(privateKey: KeyObject, publicKey: KeyObject, c: Omit<Checkpoint, 'sig' | 'k'>): Checkpoint {
  const unsigned = { ...c, k: keyFingerprint(publicKey) };
  return { ...unsigned, sig: sign(null, signedBytes(unsigned), privateKey).toString('base64') };
}

export function checkpointValid(publicKey: KeyObject, c: Checkpoint): boolean {
  try {
    const { sig, ...unsigned } = c;
    return verify(null, signedBytes(unsigned), publicKey, Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}

export function parseCheckpoint(line: string): Checkpoint | null {
  try {
    const c = JSON.parse(line) as Partial<Checkpoint>;
    if (!Number.isSafeInteger(c.s) || typeof c.h !== 'string' || !Number.isFinite(c.t) || typeof c.sig !== 'string' || typeof c.k !== 'string') return null;
    if (c.why !== 'count' && c.why !== 'period' && c.why !== 'close' && c.why !== 'prune') return null;
    return c as Checkpoint;
  } catch {
    return null;
  }
}
