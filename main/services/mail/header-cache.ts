/**
 * Trust boundary: the list rows of a mailbox kept on disk between runs, so a restart shows a
 * large mailbox at once and asks the server only what changed (CONDSTORE/QRESYNC: the UID list
 * and the flags changed since the cached HIGHESTMODSEQ; everything again after a UIDVALIDITY
 * change). Subjects and senders are client data, so invariants:
 * - every file is sealed with AES-256-GCM under the vault key (SecretStore.seal), bound to its
 *   account and mailbox (AAD): never plaintext at rest, never swapped between mailboxes;
 * - file names are hashes (no mailbox name on disk), mode 0600 in a 0700 directory;
 * - a file that does not open (locked keychain, damage, another vault key) is no cache at all —
 *   the mailbox syncs from the server — never an error that hides the mailbox, never a guess;
 * - removing an account removes its cached mailboxes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { MailboxRef } from '../../../shared/domain.js';
import type { Logger } from '../logging/logger.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { CompactRow } from './compact-row.js';
import { MailboxState } from './mailbox-state.js';
import { expandUidSet, toUidRange } from './uid-ranges.js';

const FORMAT = 1;

const cachedSchema = z.object({
  format: z.literal(FORMAT),
  uidValidity: z.string().regex(/^\d{1,20}$/),
  highestModseq: z
    .string()
    .regex(/^\d{1,20}$/)
    .nullable(),
  uids: z.string(),
  count: z.number().int().nonnegative(),
  /** uid, fromName, fromAddress, subject, date, size, bits — seven fields per row, flat. */
  rows: z.array(z.union([z.number(), z.string()])),
});

const hash = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

export class HeaderCache {
  constructor(
    private readonly dir: string,
    private readonly secrets: SecretStore,
    private readonly logger: Logger,
  ) {}

  /** The cached state of a mailbox, or null when there is none that opens and reads back whole. */
  async load(ref: MailboxRef): Promise<MailboxState | null> {
    let sealed: Buffer;
    try {
      sealed = readFileSync(this.file(ref));
    } catch {
      return null;
    }
    try {
      const data = cachedSchema.parse(JSON.parse((await this.secrets.open(sealName(ref), sealed)).toString('utf8')));
      const state = new MailboxState(BigInt(data.uidValidity));
      state.highestModseq = data.highestModseq === null ? undefined : BigInt(data.highestModseq);
      const uids = data.uids ? expandUidSet(data.uids, data.count) : [];
      if (uids.length !== data.count) throw new Error('UID list does not match its count');
      state.setUids(uids);
      const rows = data.rows;
      if (rows.length % 7 !== 0) throw new Error('row data is not whole');
      const intern = (value: string | number) => state.interner.intern(String(value));
      for (let i = 0; i < rows.length; i += 7) {
        const [uid, name, address, subject, date, size, bits] = rows.slice(i, i + 7);
        if (typeof uid !== 'number' || typeof date !== 'number' || typeof size !== 'number' || typeof bits !== 'number') throw new Error('bad row');
        state.putRow(new CompactRow(uid, intern(name!), intern(address!), String(subject), date, size, bits));
      }
      return state;
    } catch (error) {
      // Never the content: only that this cache could not be used.
      this.logger.info('header cache not used', { code: (error as { code?: string }).code ?? 'UNREADABLE' });
      return null;
    }
  }

  async save(ref: MailboxRef, state: MailboxState): Promise<void> {
    const rows: (string | number)[] = [];
    for (const uid of state.uids) {
      const row = state.rows.get(uid);
      if (row) rows.push(row.uid, row.fromName, row.fromAddress, row.subject, row.date, row.size, row.bits);
    }
    const data = {
      format: FORMAT,
      uidValidity: state.uidValidity.toString(),
      highestModseq: state.highestModseq === undefined ? null : state.highestModseq.toString(),
      uids: state.uids.length ? toUidRange(state.uids) : '',
      count: state.uids.length,
      rows,
    };
    const sealed = await this.secrets.seal(sealName(ref), Buffer.from(JSON.stringify(data), 'utf8'));
    const file = this.file(ref);
    mkdirSync(join(this.dir, hash(ref.accountId)), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, sealed, { mode: 0o600 });
    renameSync(temp, file);
  }

  /** Forgets every cached mailbox of an account. */
  removeAccount(accountId: string): void {
    rmSync(join(this.dir, hash(accountId)), { recursive: true, force: true });
  }

  private file(ref: MailboxRef): string {
    return join(this.dir, hash(ref.accountId), `${hash(ref.path)}.bin`);
  }
}

function sealName(ref: MailboxRef): string {
  return `header-cache\u0000${ref.accountId}\u0000${ref.path}`;
}
