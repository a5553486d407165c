/**
 * Keeps the sealed index of encrypted mail up to date: each encrypted message the person opens is
 * indexed from what was just decrypted, and when a mailbox's headers are synced or new mail
 * arrives, its encrypted messages not yet indexed are read in the background (without marking
 * them read) and indexed. Messages that cannot be decrypted here are remembered for the session
 * and not tried again; a key locked under its passphrase stops the pass (the next one resumes).
 * Never logs content: only codes and counts.
 */
import { convert } from 'html-to-text';
import type { MailboxRef, MailEvent, MessageView } from '../../../shared/domain.js';
import type { Logger } from '../logging/logger.js';
import { documentId, mailboxKey, MAX_BODY_CHARS, type EncryptedSearchIndex, type IndexedMessage } from './encrypted-index.js';

export interface DecryptedMessageSource {
  encryptedUids(ref: MailboxRef): Promise<{ uids: number[]; uidValidity: bigint }>;
  readForIndex(ref: MailboxRef, uid: number): Promise<{ ref: MailboxRef; uidValidity: bigint; view: MessageView }>;
}

const SKIPPED_CODES = new Set(['MESSAGE_PARSE', 'MESSAGE_TOO_COMPLEX', 'TOO_LARGE', 'DECRYPTION_FAILED', 'MESSAGE_GONE']);

const addressText = (list: { name: string; address: string }[]) => list.map((a) => `${a.name} ${a.address}`.trim()).join(', ');

/** The document for one decrypted message: what the reader shows, nothing more. */
export function indexedMessage(ref: MailboxRef, uidValidity: bigint, view: MessageView): IndexedMessage {
  const segments = view.segments?.map((s) => s.text ?? (s.html ? convert(s.html, { wordwrap: false }) : '')).join('\n');
  const body = view.text ?? (view.html ? convert(view.html.slice(0, MAX_BODY_CHARS * 4), { wordwrap: false }) : (segments ?? ''));
  return {
    accountId: ref.accountId,
    path: ref.path,
    uidValidity: String(uidValidity),
    uid: view.uid,
    date: view.date,
    subject: view.subject,
    from: addressText([view.from]),
    to: addressText([...view.to, ...view.cc]),
    body,
    hasAttachments: view.attachments.length > 0,
  };
}

export class EncryptedIndexer {
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Set<string>();
  /** Documents that did not decrypt here (no key, damaged): not retried this session. */
  private readonly unreadable = new Set<string>();

  constructor(private readonly deps: { index: EncryptedSearchIndex; source: DecryptedMessageSource; logger: Logger; maxPerPass?: number }) {}

  /** The person opened an encrypted message and it was decrypted: index what they saw. */
  indexOpened(opened: { ref: MailboxRef; uidValidity: bigint; view: MessageView }): void {
    this.deps.index.add(indexedMessage(opened.ref, opened.uidValidity, opened.view)).catch((error: unknown) => {
      this.deps.logger.info('encrypted message not indexed', { code: (error as { code?: string }).code });
    });
  }

  /** Mail events: a synced or grown mailbox gets its new encrypted messages indexed. */
  onMailEvent(event: MailEvent): void {
    if (event.type === 'mailbox-changed' && (event.reason === 'new' || event.reason === 'resync')) void this.catchUp(event.mailbox);
  }

  /** Queues one background pass over a mailbox (one pass per mailbox waits at a time). */
  catchUp(ref: MailboxRef): Promise<void> {
    const key = mailboxKey(ref.accountId, ref.path);
    if (this.pending.has(key)) return this.queue;
    this.pending.add(key);
    this.queue = this.queue
      .then(() => this.pass(ref))
      .catch((error: unknown) => this.deps.logger.info('encrypted index pass stopped', { code: (error as { code?: string }).code }))
      .finally(() => this.pending.delete(key));
    return this.queue;
  }

  /** Keys were added or unlocked: messages that did not decrypt before may now (tried on the next pass). */
  keysChanged(): void {
    this.unreadable.clear();
  }

  /** Resolves when every queued pass has run (tests, the benchmark). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async pass(ref: MailboxRef): Promise<void> {
    const { uids, uidValidity } = await this.deps.source.encryptedUids(ref);
    let done = 0;
    for (const uid of uids) {
      if (done >= (this.deps.maxPerPass ?? 500)) break;
      const id = { accountId: ref.accountId, path: ref.path, uidValidity: String(uidValidity), uid };
      if (this.unreadable.has(documentId(id)) || (await this.deps.index.has(id))) continue;
      let read: Awaited<ReturnType<DecryptedMessageSource['readForIndex']>>;
      try {
        read = await this.deps.source.readForIndex(ref, uid);
      } catch (error) {
        // This message cannot be read (damaged, too complex, gone): skip it; anything else stops the pass.
        if (!SKIPPED_CODES.has((error as { code?: string }).code ?? '')) throw error;
        this.unreadable.add(documentId(id));
        continue;
      }
      const decryption = read.view.crypto?.decryption;
      if (decryption === 'locked') return;
      if (decryption !== 'decrypted') {
        this.unreadable.add(documentId(id));
        continue;
      }
      await this.deps.index.add(indexedMessage(ref, read.uidValidity, read.view));
      done++;
    }
  }
}
