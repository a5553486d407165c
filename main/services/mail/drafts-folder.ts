/**
 * The server's Drafts folder of an account: its own folder (SPECIAL-USE \Drafts, else a
 * conventional name; created when missing), where encrypted draft copies are appended, listed,
 * fetched and removed. UIDs are only trusted together with the folder's UIDVALIDITY: after the
 * server renumbered the folder, an old UID could name another message, so nothing is removed by it.
 */
import type { ImapFlow } from 'imapflow';
import { ServiceError } from '../../../shared/result.js';
import type { MailService } from './mail-service.js';

export interface ServerDraftCopy {
  path: string;
  uid: number;
  uidValidity: string;
}

/** What the draft service needs of a server; the IMAP one below, an in-memory one in unit tests. */
export interface DraftsFolder {
  append(accountId: string, raw: Buffer): Promise<ServerDraftCopy>;
  /** Every message in the folder (UIDs only). */
  uids(accountId: string): Promise<{ path: string; uidValidity: string; uids: number[] }>;
  fetch(accountId: string, uids: number[]): Promise<{ uid: number; raw: Buffer }[]>;
  remove(accountId: string, copy: { path: string; uidValidity: string; uids: number[] }): Promise<void>;
}

const CONVENTIONAL = /^(drafts|luonnokset|utkast)$/i;

export class ImapDraftsFolder implements DraftsFolder {
  private readonly paths = new Map<string, string>();

  constructor(private readonly mail: MailService) {}

  async append(accountId: string, raw: Buffer): Promise<ServerDraftCopy> {
    const path = await this.path(accountId);
    return this.mail.withControlClient(accountId, async (client) => {
      const appended = await client.append(path, raw, ['\\Draft', '\\Seen']);
      if (!appended || !appended.uid || appended.uidValidity === undefined)
        throw new ServiceError('SERVER', 'The server did not report where it stored the draft (no UIDPLUS).');
      return { path, uid: appended.uid, uidValidity: String(appended.uidValidity) };
    });
  }

  async uids(accountId: string): Promise<{ path: string; uidValidity: string; uids: number[] }> {
    const path = await this.path(accountId);
    return this.withFolder(accountId, path, async (client, uidValidity) => {
      const found = await client.search({ all: true }, { uid: true });
      return { path, uidValidity, uids: found || [] };
    });
  }

  async fetch(accountId: string, uids: number[]): Promise<{ uid: number; raw: Buffer }[]> {
    if (uids.length === 0) return [];
    const path = await this.path(accountId);
    return this.withFolder(accountId, path, async (client) => {
      const out: { uid: number; raw: Buffer }[] = [];
      // One message at a time in large chunks: a draft with a 10 MB attachment is ~20 MB of armor,
      // which imapflow's FETCH literal parsing or its default 64 KiB chunks make slow.
      for (const uid of uids) {
        const download = await client.download(String(uid), undefined, { uid: true, chunkSize: 8 * 1024 * 1024 });
        if (!download.content) continue;
        const chunks: Buffer[] = [];
        for await (const chunk of download.content) chunks.push(chunk as Buffer);
        out.push({ uid, raw: Buffer.concat(chunks) });
      }
      return out;
    });
  }

  async remove(accountId: string, copy: { path: string; uidValidity: string; uids: number[] }): Promise<void> {
    if (copy.uids.length === 0) return;
    await this.withFolder(accountId, copy.path, async (client, uidValidity) => {
      if (uidValidity !== copy.uidValidity) return;
      await client.messageDelete(copy.uids.join(','), { uid: true });
    });
  }

  private async withFolder<T>(accountId: string, path: string, fn: (client: ImapFlow, uidValidity: string) => Promise<T>): Promise<T> {
    return this.mail.withControlClient(accountId, async (client) => {
      const lock = await client.getMailboxLock(path);
      try {
        // The folder may have stayed selected on this connection while another workstation
        // expunged from it; a NOOP lets the server report that before UIDs are trusted.
        await client.noop();
        const mailbox = client.mailbox;
        if (!mailbox) throw new ServiceError('MAILBOX_UNAVAILABLE', 'The Drafts folder could not be opened.');
        return await fn(client, String(mailbox.uidValidity));
      } finally {
        lock.release();
      }
    });
  }

  /** The account's own Drafts folder; created (as "Drafts") the first time it is needed. */
  private async path(accountId: string): Promise<string> {
    const known = this.paths.get(accountId);
    if (known) return known;
    const groups = await this.mail.listMailboxes();
    const own = groups.find((g) => g.accountId === accountId && g.id === `${accountId}:own`) ?? groups.find((g) => g.accountId === accountId);
    if (!own) throw new ServiceError('NOT_FOUND', 'No such account.');
    let path = (own.mailboxes.find((m) => m.specialUse === '\\Drafts') ?? own.mailboxes.find((m) => CONVENTIONAL.test(m.name)))?.path;
    if (!path) {
      path = await this.mail.withControlClient(accountId, async (client) => (await client.mailboxCreate('Drafts')).path);
    }
    this.paths.set(accountId, path);
    return path;
  }
}
