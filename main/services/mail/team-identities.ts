/**
 * Which team mailboxes a person may send as, and from which address — as the server says, never
 * configured on the workstation. IT publishes a team mailbox's sending address once, as mailbox
 * METADATA on the team INBOX (RFC 5464, `/shared/vendor/sinetti/team-address`), next to the
 * team's display name; the team directory reads both in one pass (mailbox-discovery.ts). A team
 * whose server publishes no (valid) address, or that the person may only read, is not offered as
 * a sender. Whether the person is really allowed to submit mail with that From is the submission
 * server's decision; this only decides what the composer offers.
 */
import { checkOutgoingAddress } from '../../../shared/outgoing-address.js';
import type { TeamDirectoryEntry } from '../team/team-directory.js';

export { TEAM_ADDRESS_METADATA } from './mailbox-discovery.js';

export interface TeamIdentity {
  accountId: string;
  /** The sidebar group id of the team (`<account>:shared:<team>`). */
  teamMailbox: string;
  address: string;
  name: string;
}

/** The team identities among the teams of the directory. */
export function teamIdentities(directory: readonly TeamDirectoryEntry[]): TeamIdentity[] {
  const out: TeamIdentity[] = [];
  for (const entry of directory) {
    if (entry.readOnly || !entry.publishedAddress) continue;
    const check = checkOutgoingAddress(entry.publishedAddress);
    if (check.ok) out.push({ accountId: entry.ref.accountId, teamMailbox: entry.groupId, address: check.address.ascii, name: entry.label });
  }
  return out;
}
