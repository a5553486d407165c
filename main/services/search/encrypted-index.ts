/**
 * Trust boundary: the local full-text index of encrypted mail. Invariants:
 * - the index (words, subjects, addresses, text) exists in plaintext only in this process's memory;
 * - on disk it is one file sealed with AES-256-GCM under the vault key (SecretStore.seal, bound to
 *   its name), written to a temporary name and renamed, mode 0600: never a plaintext byte;
 * - a vault key that cannot be used (locked or missing keychain) or a file that does not open makes
 *   the index unavailable (searches say so); it is never replaced by a plaintext or an empty one
 *   that would overwrite what is there.
 *
 * MiniSearch (npm `minisearch`): no dependencies, typed, serialises to JSON we seal whole, removes
 * documents, searches by prefix in chosen fields with AND. FlexSearch is faster on huge indexes but
 * exports in asynchronous chunks of its own format (more pieces to seal) and its types lag; at a
 * workstation's few thousand encrypted messages MiniSearch answers in milliseconds (bench/search.bench.ts).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import MiniSearch from 'minisearch';
import { ServiceError } from '../../../shared/result.js';
import type { SearchField } from '../../../shared/search-schema.js';

/** The AAD the sealed file is bound to (a sealed draft or outbox entry cannot stand in for it). */
const SEAL_NAME = 'search-index:encrypted-mail:v1';
/** Text past this is not indexed (a letter's words are in its first pages). */
export const MAX_BODY_CHARS = 64 * 1024;

export interface IndexedMessage {
  accountId: string;
  path: string;
  /** UIDVALIDITY as a decimal string (a UID means nothing without it). */
  uidValidity: string;
  uid: number;
  date: number;
  subject: string;
  from: string;
  to: string;
  body: string;
  hasAttachments: boolean;
}

/** What a hit carries back (stored fields: no body). */
export type IndexHit = Omit<IndexedMessage, 'body'>;

export interface IndexQuery {
  text: string;
  field: SearchField;
  since?: number;
  before?: number;
  hasAttachment?: boolean;
  /** Lower-case own addresses: the message's To/Cc must hold one. */
  toAddresses?: readonly string[];
  /** Only these mailboxes (`accountId\0path`); absent: all. */
  mailboxes?: ReadonlySet<string>;
}

const FIELDS = ['subject', 'from', 'to', 'body'] as const;
const STORED = ['accountId', 'path', 'uidValidity', 'uid', 'date', 'subject', 'from', 'to', 'hasAttachments'] as const;
const OPTIONS = { fields: [...FIELDS], storeFields: [...STORED], idField: 'id' };

export const mailboxKey = (accountId: string, path: string) => `${accountId}\u0000${path}`;
export const documentId = (m: Pick<IndexedMessage, 'accountId' | 'path' | 'uidValidity' | 'uid'>) =>
  `${m.accountId}\u0000${m.path}\u0000${m.uidValidity}\u0000${m.uid}`;

interface Sealer {
  seal(name: string, data: Uint8Array): Promise<Buffer>;
  open(name: string, sealed: Buffer): Promise<Buffer>;
}

export class EncryptedSearchIndex {
  private index: MiniSearch<IndexedMessage & { id: string }> | null = null;
  private loading: Promise<MiniSearch<IndexedMessage & { id: string }>> | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly vault: Sealer,
    private readonly file: string,
    private readonly options: { saveDelayMs?: number; onSaveError?: (error: unknown) => void } = {},
  ) {}

  /** Adds or replaces one message. */
  async add(message: IndexedMessage): Promise<void> {
    const index = await this.ready();
    const doc = { ...message, body: message.body.slice(0, MAX_BODY_CHARS), id: documentId(message) };
    if (index.has(doc.id)) index.replace(doc);
    else index.add(doc);
    this.changed();
  }

  async has(message: Pick<IndexedMessage, 'accountId' | 'path' | 'uidValidity' | 'uid'>): Promise<boolean> {
    return (await this.ready()).has(documentId(message));
  }

  /** Forgets messages the server no longer has (a hit whose UID is gone). */
  async remove(ids: readonly string[]): Promise<void> {
    const index = await this.ready();
    let removed = false;
    for (const id of ids) {
      if (index.has(id)) {
        index.discard(id);
        removed = true;
      }
    }
    if (removed) this.changed();
  }

  async count(): Promise<number> {
    return (await this.ready()).documentCount;
  }

  /** Every word must match (prefix: "Mäkis" finds "Mäkisen"); newest first. */
  async search(query: IndexQuery, limit: number): Promise<IndexHit[]> {
    const index = await this.ready();
    const filter = (r: Record<string, unknown>) => {
      const hit = r as unknown as IndexHit;
      if (query.mailboxes && !query.mailboxes.has(mailboxKey(hit.accountId, hit.path))) return false;
      if (query.since !== undefined && hit.date < query.since) return false;
      if (query.before !== undefined && hit.date >= query.before) return false;
      if (query.hasAttachment && !hit.hasAttachments) return false;
      if (query.toAddresses) {
        const to = hit.to.toLowerCase();
        if (!query.toAddresses.some((a) => to.includes(a))) return false;
      }
      return true;
    };
    const text = query.text.trim();
    const results = index.search(text ? text : MiniSearch.wildcard, {
      ...(query.field === 'all' ? {} : { fields: [query.field] }),
      prefix: true,
      combineWith: 'AND',
      filter,
    });
    return results
      .map((r) => r as unknown as IndexHit)
      .sort((a, b) => b.date - a.date)
      .slice(0, limit)
      .map(({ accountId, path, uidValidity, uid, date, subject, from, to, hasAttachments }) => ({
        accountId,
        path,
        uidValidity,
        uid,
        date,
        subject,
        from,
        to,
        hasAttachments,
      }));
  }

  /** The protected subject of an indexed message, if known (for the list). */
  async subjectOf(message: Pick<IndexedMessage, 'accountId' | 'path' | 'uidValidity' | 'uid'>): Promise<string | null> {
    const index = await this.ready();
    const stored = index.getStoredFields(documentId(message)) as { subject?: string } | undefined;
    return stored?.subject ?? null;
  }

  /**
   * Opens an existing sealed index in the background (at start-up), so the first search after a
   * restart does not wait for it; does nothing without one. Failures surface at the first search.
   */
  preload(): void {
    if (existsSync(this.file)) void this.ready().catch(() => undefined);
  }

  /** Writes any pending change now (and waits for a write in progress). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    if (this.dirty) this.saving = this.saving.then(() => this.save());
    await this.saving;
  }

  /** The sealed file's size in bytes (the benchmark reports it). */
  sizeOnDisk(): number {
    return existsSync(this.file) ? readFileSync(this.file).length : 0;
  }

  private changed(): void {
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.saving = this.saving.then(() => this.save());
      void this.saving.catch(() => undefined);
    }, this.options.saveDelayMs ?? 2000);
    this.saveTimer.unref?.();
  }

  private async save(): Promise<void> {
    if (!this.dirty || !this.index) return;
    this.dirty = false;
    try {
      const json = Buffer.from(JSON.stringify({ version: 1, index: this.index }), 'utf8');
      const sealed = await this.vault.seal(SEAL_NAME, json);
      json.fill(0);
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      const temp = `${this.file}.tmp`;
      writeFileSync(temp, sealed, { mode: 0o600 });
      renameSync(temp, this.file);
    } catch (error) {
      // Kept in memory and tried again with the next change; nothing plaintext was written.
      this.dirty = true;
      this.options.onSaveError?.(error);
    }
  }

  private ready(): Promise<MiniSearch<IndexedMessage & { id: string }>> {
    if (this.index) return Promise.resolve(this.index);
    this.loading ??= this.load().then(
      (index) => {
        this.index = index;
        this.loading = null;
        return index;
      },
      (error: unknown) => {
        this.loading = null;
        throw error;
      },
    );
    return this.loading;
  }

  private async load(): Promise<MiniSearch<IndexedMessage & { id: string }>> {
    if (!existsSync(this.file)) {
      // Nothing to read, but the vault key must be usable before anything is indexed (fail closed).
      await this.vault.seal(SEAL_NAME, Buffer.alloc(0));
      return new MiniSearch(OPTIONS);
    }
    const json = await this.vault.open(SEAL_NAME, readFileSync(this.file));
    try {
      const parsed = JSON.parse(json.toString('utf8')) as { version?: number; index?: unknown };
      if (parsed.version !== 1 || !parsed.index) throw new Error('unknown index format');
      return MiniSearch.loadJS(parsed.index as Parameters<typeof MiniSearch.loadJS>[0], OPTIONS);
    } catch {
      throw new ServiceError('SECRET_CORRUPT', 'The sealed search index could not be read.');
    } finally {
      json.fill(0);
    }
  }
}
