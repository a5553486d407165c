/**
 * One name for a team: the account it is reached through plus the team's name in that server's
 * shared namespace. Two servers may both have a "perhepalvelut": keys, claims and the board are
 * always keyed by the pair, never by the bare name. The sidebar group id (`<account>:shared:<team>`)
 * is made and read only here.
 */
export interface TeamRef {
  accountId: string;
  team: string;
}

const SHARED_MARKER = ':shared:';

/** The sidebar group id of a team mailbox. */
export function teamGroupId(ref: TeamRef): string {
  return `${ref.accountId}${SHARED_MARKER}${ref.team}`;
}

/** The team behind a sidebar group id, or null for a group that is not a shared team mailbox. */
export function teamRefFromGroupId(groupId: string, accountId?: string): TeamRef | null {
  const at = accountId !== undefined ? (groupId.startsWith(`${accountId}${SHARED_MARKER}`) ? accountId.length : -1) : groupId.indexOf(SHARED_MARKER);
  if (at <= 0) return null;
  const team = groupId.slice(at + SHARED_MARKER.length);
  return team ? { accountId: groupId.slice(0, at), team } : null;
}

/** A stable map key for a team (account ids never contain NUL). */
export function teamKey(ref: TeamRef): string {
  return `${ref.accountId}\u0000${ref.team}`;
}

export function sameTeam(a: TeamRef, b: TeamRef): boolean {
  return a.accountId === b.accountId && a.team === b.team;
}
