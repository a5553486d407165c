/**
 * One search over one mailbox or all of them, run in steps: the local index of encrypted mail and
 * the newest UID window of each mailbox first, then wider windows of older mail, so the first hits
 * come back at once whatever the mailbox's size. Every hit is a row as the server has it now
 * (flags, still there): an index hit whose UID is gone is dropped from the index. IMAP stays in
 * mail/ (MailSearchBackend); this module never sees a connection.
 */
import { randomUUID } from 'node:crypto';
import type { MailboxRef, MessageRow } from '../../../shared/domain.js';
import { ServiceError, type ErrorCode } from '../../../shared/result.js';
import type { SearchHit, SearchQuery, SearchScope, SearchStep } from '../../../shared/search-schema.js';
import { searchWords } from '../../../shared/search-words.js';
import type { Logger } from '../logging/logger.js';
import { documentId, mailboxKey, type EncryptedSearchIndex } from './encrypted-index.js';

export interface MailSearchBackend {
  searchableMailboxes(): Promise<MailboxRef[]>;
  ownAddresses(): string[];
  searchWindow(
    ref: MailboxRef,
    query: SearchQuery,
    upper: number | null,
    size: number,
  ): Promise<{ uids: number[]; nextUpper: number | null; uidValidity: bigint; scanned: number }>;
  searchRows(ref: MailboxRef, uids: readonly number[]): Promise<{ rows: MessageRow[]; uidValidity: bigint }>;
}

/** UIDs scanned by the first step; each later step scans four times more (1,000, 4,000, 16,000 …). */
const FIRST_STEP_UIDS = 1000;
const MAX_STEP_UIDS = 64_000;
/** Searches kept open at once (the oldest is dropped). */
const MAX_RUNS = 16;

interface Run {
  id: string;
  query: SearchQuery;
  limit: number;
  mailboxes: MailboxRef[];
  next: number;
  upper: number | null;
  budget: number;
  delivered: number;
  seen: Set<string>;
}

const hitKey = (ref: MailboxRef, uid: number) => `${mailboxKey(ref.accountId, ref.path)}\u0000${uid}`;

function codeOf(error: unknown): ErrorCode {
  return error instanceof ServiceError ? error.code : 'INTERNAL';
}

export class SearchService {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly deps: {
      mail: MailSearchBackend;
      index: EncryptedSearchIndex;
      logger: Logger;
    },
  ) {}

  async start(scope: SearchScope, query: SearchQuery, limit: number): Promise<SearchStep> {
    const hasFilter = query.unread || query.flagged || query.hasAttachment || query.toMe || query.since !== undefined || query.before !== undefined;
    if (!searchWords(query.text).length && !hasFilter) throw new ServiceError('VALIDATION', 'Type words to search for or choose a filter.');
    const mailboxes = scope.kind === 'mailbox' ? [scope.mailbox] : await this.deps.mail.searchableMailboxes();
    const run: Run = { id: randomUUID(), query, limit, mailboxes, next: 0, upper: null, budget: FIRST_STEP_UIDS, delivered: 0, seen: new Set() };
    this.runs.set(run.id, run);
    while (this.runs.size > MAX_RUNS) this.runs.delete(this.runs.keys().next().value as string);

    const failed: SearchStep['failed'] = [];
    const { hits: indexHits, state, count } = await this.fromIndex(run, failed);
    const step = await this.step(run, failed);
    return { ...step, hits: [...indexHits, ...step.hits], encryptedIndex: state, encryptedIndexed: count, failed, done: step.done || run.delivered >= limit };
  }

  async more(searchId: string): Promise<SearchStep> {
    const run = this.runs.get(searchId);
    if (!run) throw new ServiceError('NOT_FOUND', 'This search has ended; search again.');
    const failed: SearchStep['failed'] = [];
    return { ...(await this.step(run, failed)), failed };
  }

  end(searchId: string): void {
    this.runs.delete(searchId);
  }

  /** Encrypted mail: words inside (and attachments inside) come only from the sealed local index. */
  private async fromIndex(run: Run, failed: SearchStep['failed']): Promise<{ hits: SearchHit[]; state: 'ready' | 'unavailable'; count: number }> {
    const { query } = run;
    let state: 'ready' | 'unavailable' = 'ready';
    let count = 0;
    const hits: SearchHit[] = [];
    try {
      count = await this.deps.index.count();
      if (!searchWords(query.text).length && !query.hasAttachment) return { hits, state, count };
      const found = await this.deps.index.search(
        {
          text: searchWords(query.text).join(' '),
          field: query.field,
          ...(query.since !== undefined ? { since: query.since } : {}),
          ...(query.before !== undefined ? { before: query.before } : {}),
          ...(query.hasAttachment ? { hasAttachment: true } : {}),
          ...(query.toMe ? { toAddresses: this.deps.mail.ownAddresses() } : {}),
          mailboxes: new Set(run.mailboxes.map((m) => mailboxKey(m.accountId, m.path))),
        },
        run.limit,
      );
      const byMailbox = new Map<string, typeof found>();
      for (const hit of found) byMailbox.set(mailboxKey(hit.accountId, hit.path), [...(byMailbox.get(mailboxKey(hit.accountId, hit.path)) ?? []), hit]);
      for (const group of byMailbox.values()) {
        const ref = { accountId: group[0]!.accountId, path: group[0]!.path };
        try {
          const { rows, uidValidity } = await this.deps.mail.searchRows(
            ref,
            group.map((h) => h.uid),
          );
          const byUid = new Map(rows.map((r) => [r.uid, r]));
          const gone: string[] = [];
          for (const hit of group) {
            const row = String(uidValidity) === hit.uidValidity ? byUid.get(hit.uid) : undefined;
            if (!row) {
              gone.push(documentId(hit));
              continue;
            }
            if ((query.unread && row.flags.seen) || (query.flagged && !row.flags.flagged)) continue;
            run.seen.add(hitKey(ref, row.uid));
            hits.push({ mailbox: ref, row: { ...row, subject: hit.subject || row.subject, hasAttachments: hit.hasAttachments }, via: 'encrypted-index' });
          }
          await this.deps.index.remove(gone);
        } catch (error) {
          failed.push({ mailbox: ref, code: codeOf(error) });
        }
      }
    } catch (error) {
      // The vault key cannot be used now: encrypted mail is not searched inside, and the person is told.
      this.deps.logger.info('encrypted search index unavailable', { code: codeOf(error) });
      state = 'unavailable';
    }
    hits.sort((a, b) => b.row.date - a.row.date);
    run.delivered += hits.length;
    return { hits, state, count };
  }

  /** Scans the next `budget` UIDs, newest first, across as many mailboxes as that takes. */
  private async step(run: Run, failed: SearchStep['failed']): Promise<Omit<SearchStep, 'failed'>> {
    const hits: SearchHit[] = [];
    let scanned = 0;
    while (run.next < run.mailboxes.length && scanned < run.budget && run.delivered < run.limit) {
      const ref = run.mailboxes[run.next]!;
      const size = Math.max(1, run.budget - scanned);
      try {
        const window = await this.deps.mail.searchWindow(ref, run.query, run.upper, size);
        scanned += window.scanned;
        run.upper = window.nextUpper;
        if (window.nextUpper === null) this.nextMailbox(run);
        const fresh = window.uids.filter((uid) => !run.seen.has(hitKey(ref, uid)));
        // Attachments are known from the rows only, so every row of the window is read then.
        const wanted = run.query.hasAttachment ? fresh : fresh.slice(0, run.limit - run.delivered);
        if (!wanted.length) continue;
        const { rows } = await this.deps.mail.searchRows(ref, wanted);
        for (const row of rows) {
          if (run.delivered >= run.limit) break;
          if (run.query.hasAttachment && !row.hasAttachments) continue;
          run.seen.add(hitKey(ref, row.uid));
          run.delivered++;
          hits.push({ mailbox: ref, row: row.encrypted ? await this.withProtectedSubject(ref, window.uidValidity, row) : row, via: 'server' });
        }
      } catch (error) {
        failed.push({ mailbox: ref, code: codeOf(error) });
        this.nextMailbox(run);
      }
    }
    run.budget = Math.min(MAX_STEP_UIDS, run.budget * 4);
    const truncated = run.delivered >= run.limit;
    const done = truncated || run.next >= run.mailboxes.length;
    if (done) this.runs.delete(run.id);
    hits.sort((a, b) => b.row.date - a.row.date);
    return { searchId: run.id, hits, done, truncated };
  }

  private nextMailbox(run: Run): void {
    run.next++;
    run.upper = null;
  }

  /** An encrypted message the server found (by sender, date …) shows the subject inside once it is known. */
  private async withProtectedSubject(ref: MailboxRef, uidValidity: bigint, row: MessageRow): Promise<MessageRow> {
    const subject = await this.deps.index
      .subjectOf({ accountId: ref.accountId, path: ref.path, uidValidity: String(uidValidity), uid: row.uid })
      .catch(() => null);
    return subject ? { ...row, subject } : row;
  }
}
