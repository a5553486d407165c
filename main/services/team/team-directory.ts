/**
 * The team directory: every team mailbox the server shares with the person, read in one pass per
 * account (NAMESPACE and LIST for the mailboxes, MYRIGHTS for the rights, one GETMETADATA for the
 * published name and address; mail/mailbox-discovery.ts reads it). Team keys, compose identities,
 * claims and the board all take their teams from here, so "who leads" and "which team" are
 * decided once.
 */
import type { TeamRef } from './team-ref.js';

export interface TeamDirectoryEntry {
  ref: TeamRef;
  /** The sidebar group id (team-ref.ts). */
  groupId: string;
  /** The name the server publishes (METADATA), else the mailbox name tidied. */
  label: string;
  /** The team's INBOX as this account names it (e.g. `shared/perhepalvelut`). */
  inboxPath: string;
  delimiter: string;
  /** What MYRIGHTS reports on the team INBOX (undefined: the server has no ACL). */
  rights?: string;
  isLead: boolean;
  /** The person may not add to or change the team INBOX. */
  readOnly: boolean;
  /** The sending address the server publishes for the team (unvalidated: the composer checks it). */
  publishedAddress?: string;
}

/**
 * Who leads is the server's word: the IMAP ACL administer right (`a`, RFC 4314) on the team
 * INBOX, so IT manages leads where it manages membership.
 */
export function isTeamLead(rights: string | undefined): boolean {
  return (rights ?? '').includes('a');
}

/** What the team module needs from the mail side: the directory of every account, read afresh. */
export interface TeamDirectorySource {
  teamDirectory(): Promise<TeamDirectoryEntry[]>;
}

export class TeamDirectory {
  constructor(private readonly source: TeamDirectorySource) {}

  /** Every team of every account, with the rights the server reports now (never cached). */
  list(): Promise<TeamDirectoryEntry[]> {
    return this.source.teamDirectory();
  }

  async find(ref: TeamRef): Promise<TeamDirectoryEntry | null> {
    return (await this.list()).find((e) => e.ref.accountId === ref.accountId && e.ref.team === ref.team) ?? null;
  }

  /** The team whose INBOX a mailbox path is, for an account (claims apply to the team INBOX). */
  async byInbox(accountId: string, path: string): Promise<TeamDirectoryEntry | null> {
    return (await this.list()).find((e) => e.ref.accountId === accountId && e.inboxPath === path) ?? null;
  }
}
