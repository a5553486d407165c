/**
 * Which team mailboxes a person may send as, and from which address — as the server says, never
 * configured on the workstation. IT publishes a team mailbox's sending address once, as mailbox
 * METADATA on the team INBOX (RFC 5464, `/shared/vendor/sinetti/team-address`), next to the
 * team's display name. A team whose server publishes no (valid) address, or that the person may
 * only read, is not offered as a sender. Whether the person is really allowed to submit mail
 * with that From is the submission server's decision; this only decides what the composer offers.
 */
import type { ImapFlow } from 'imapflow';
import type { MailboxGroup } from '../../../shared/domain.js';
import { checkOutgoingAddress } from '../../../shared/outgoing-address.js';

export const TEAM_ADDRESS_METADATA = '/shared/vendor/sinetti/team-address';

export interface TeamIdentity {
  accountId: string;
  /** The sidebar group id of the team (`<account>:shared:<team>`). */
  teamMailbox: string;
  address: string;
  name: string;
}

type ImapExec = (
  command: string,
  attributes: unknown[],
  options: { untagged: Record<string, (untagged: { attributes?: { value?: unknown }[] }) => Promise<void>> },
) => Promise<{ next: () => void }>;

/** One METADATA entry of a mailbox, or undefined (no METADATA support, not set, not readable). */
export async function readMailboxMetadata(client: ImapFlow, path: string, entry: string): Promise<string | undefined> {
  if (!client.capabilities.has('METADATA')) return undefined;
  let found: string | undefined;
  try {
    const response = await (client as unknown as { exec: ImapExec }).exec('GETMETADATA', [{ type: 'STRING', value: path }, [{ type: 'ATOM', value: entry }]], {
      untagged: {
        METADATA: async (untagged) => {
          const entries = untagged.attributes?.[1] as unknown as { value?: unknown }[] | undefined;
          const value = Array.isArray(entries) ? entries[1]?.value : undefined;
          const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
          if (text && text.trim()) found = text.trim();
        },
      },
    });
    // Release the response, or the connection's reader stays parked (see mailbox-discovery.ts).
    response.next();
  } catch {
    return undefined;
  }
  return found;
}

/** The team identities among an account's mailbox groups. */
export async function discoverTeamIdentities(client: ImapFlow, groups: MailboxGroup[]): Promise<TeamIdentity[]> {
  const out: TeamIdentity[] = [];
  for (const group of groups) {
    if (group.kind !== 'team' || !group.id.includes(':shared:')) continue;
    const inbox = group.mailboxes.find((m) => m.specialUse === '\\Inbox' && m.depth === 0);
    if (!inbox || inbox.readOnly) continue;
    const published = await readMailboxMetadata(client, inbox.path, TEAM_ADDRESS_METADATA);
    const check = published ? checkOutgoingAddress(published) : null;
    if (check?.ok) out.push({ accountId: group.accountId, teamMailbox: group.id, address: check.address.ascii, name: group.label });
  }
  return out;
}
