import type { MailboxGroup } from '../../shared/domain.js';
import type { BoardTeam } from './TeamBoard.js';

/**
 * The team a sidebar group is, when the person leads it: the server's word, the administer right
 * (ACL "a" in MYRIGHTS) on the team's INBOX, as the team-key service decides it. Only teams in the
 * server's shared namespace have a board (a team mailbox added as its own account has no team name
 * on the server). The team name is the one the group was discovered under (mailbox-discovery.ts).
 */
export function ledTeam(group: MailboxGroup): BoardTeam | null {
  const marker = `${group.accountId}:shared:`;
  if (group.kind !== 'team' || !group.id.startsWith(marker)) return null;
  const inbox = group.mailboxes.find((m) => m.specialUse === '\\Inbox' && m.depth === 0);
  if (!inbox || !/a/.test(inbox.rights ?? '')) return null;
  return { accountId: group.accountId, team: group.id.slice(marker.length), label: group.label };
}
