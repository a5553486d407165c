/**
 * The team mailbox's own folder for key grants ("Sinetti-avaimet" under the team INBOX): created
 * by a team lead when missing, then narrowed so that only identifiers with the administer right
 * may put messages there (defence in depth: a member cannot plant a grant or roster entry; the
 * cryptographic checks in team-key-grant.ts hold on their own). Grants are small; the folder is
 * read whole.
 */
import type { ImapFlow } from 'imapflow';
import type { TeamMailAccess } from '../crypto/team-key-service.js';
import type { TeamDirectoryEntry } from '../team/team-directory.js';
import { getAcl, setAcl } from './imap-raw-commands.js';

export const TEAM_KEYS_FOLDER = 'Sinetti-avaimet';

/** Rights a non-administering identifier keeps on the keys folder: see it, read it, mark it read. */
const READER_RIGHTS = 'lrs';

/**
 * "shared/perhepalvelut" or "shared/perhepalvelut/INBOX" → "shared/perhepalvelut/INBOX/Sinetti-avaimet".
 * Under the INBOX, because servers refuse new folders at the top of another user's namespace and
 * a child of the INBOX inherits its ACL.
 */
export function teamKeysFolderPath(teamInboxPath: string, delimiter = '/'): string {
  const base = teamInboxPath.toUpperCase().endsWith(`${delimiter}INBOX`) ? teamInboxPath : `${teamInboxPath}${delimiter}INBOX`;
  return `${base}${delimiter}${TEAM_KEYS_FOLDER}`;
}

/** The team-key service's access to the team mailboxes and their keys folders, over the mail service's connections. */
export function imapTeamMailAccess(mail: {
  teamDirectory(): Promise<TeamDirectoryEntry[]>;
  withConnection<T>(accountId: string, operation: (client: ImapFlow) => Promise<T>): Promise<T>;
}): TeamMailAccess {
  return {
    teamDirectory: () => mail.teamDirectory(),
    keysFolderPath: (teamInboxPath) => teamKeysFolderPath(teamInboxPath),
    ensureKeysFolder: (accountId, folder) => mail.withConnection(accountId, (client) => ensureTeamKeysFolder(client, folder)),
    readKeysFolder: (accountId, folder) => mail.withConnection(accountId, (client) => readTeamKeysFolder(client, folder)),
    fileInKeysFolder: (accountId, folder, messages) =>
      mail.withConnection(accountId, async (client) => {
        // One connection: the folder is there before the first grant goes in.
        await ensureTeamKeysFolder(client, folder);
        for (const raw of messages) await appendToTeamKeysFolder(client, folder, raw);
      }),
  };
}

export async function ensureTeamKeysFolder(client: ImapFlow, path: string): Promise<void> {
  const exists = (await client.list()).some((box) => box.path === path);
  if (exists) return;
  await client.mailboxCreate(path);
  if (!client.capabilities.has('ACL')) return;
  const acl = await getAcl(client, path);
  for (const [identifier, rights] of acl) {
    if (rights.includes('a')) continue;
    const narrowed = [...READER_RIGHTS].filter((r) => rights.includes(r)).join('');
    await setAcl(client, path, identifier, narrowed);
  }
}

export async function appendToTeamKeysFolder(client: ImapFlow, path: string, raw: Buffer): Promise<number | undefined> {
  const result = await client.append(path, raw, []);
  return result && typeof result === 'object' ? Number(result.uid) || undefined : undefined;
}

/** Every message of the keys folder (empty when the folder does not exist yet). */
export async function readTeamKeysFolder(client: ImapFlow, path: string, maxBytes = 256 * 1024): Promise<{ uid: number; raw: Buffer }[]> {
  if (!(await client.list()).some((box) => box.path === path)) return [];
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    const out: { uid: number; raw: Buffer }[] = [];
    const exists = typeof client.mailbox === 'object' ? client.mailbox.exists : 0;
    if (!exists) return out;
    for await (const message of client.fetch('1:*', { uid: true, size: true, source: true })) {
      // A grant is a few kilobytes; anything far larger is not one of ours.
      if (message.source && (message.size ?? message.source.length) <= maxBytes) out.push({ uid: message.uid, raw: message.source });
    }
    return out;
  } finally {
    lock.release();
  }
}
