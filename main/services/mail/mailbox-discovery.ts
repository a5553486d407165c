/**
 * What mailboxes a person may see, as the server says: the personal namespace, the shared
 * namespace (team mailboxes shared by IMAP ACL, one group per team) with the rights the server
 * grants (MYRIGHTS), and accounts that are themselves a team mailbox. Nothing here is configured
 * locally except an account's team name.
 */
import type { ImapFlow, ListResponse } from 'imapflow';
import type { MailboxGroup, MailboxInfo } from '../../../shared/domain.js';
import { isTeamLead, type TeamDirectoryEntry } from '../team/team-directory.js';
import { teamGroupId } from '../team/team-ref.js';
import { getMetadata, myRights } from './imap-raw-commands.js';

export interface DiscoveryAccount {
  id: string;
  displayName: string;
  teamName?: string;
}

export async function discoverMailboxes(client: ImapFlow, account: DiscoveryAccount): Promise<MailboxGroup[]> {
  return (await discoverAccount(client, account)).groups;
}

/**
 * The account's mailbox groups and its team directory, in one pass: LIST with NAMESPACE, MYRIGHTS
 * per team folder, and one GETMETADATA per team INBOX for both its published name and address.
 */
export async function discoverAccount(client: ImapFlow, account: DiscoveryAccount): Promise<{ groups: MailboxGroup[]; teams: TeamDirectoryEntry[] }> {
  const listed = await client.list();
  // RFC 2342: team mailboxes shared per user ("shared/<team>/", Dovecot's type=shared) are in the
  // other-users namespace; public folders (type=public) in the shared namespace. Either way the
  // first level under the prefix names the team.
  const namespaces = client.namespaces;
  const sharedPrefixes = [...(namespaces?.other || []), ...(namespaces?.shared || [])]
    .filter((ns) => ns.prefix)
    .map((ns) => ({ prefix: ns.prefix, delimiter: ns.delimiter ?? '/' }));
  const hasAcl = client.capabilities.has('ACL');

  const personal: MailboxInfo[] = [];
  const teams = new Map<string, MailboxInfo[]>();
  const delimiters = new Map<string, string>();
  for (const box of listed) {
    // The namespace root itself ("shared", a \Noselect placeholder) belongs to no one.
    if (sharedPrefixes.some((ns) => `${box.path}${box.delimiter || ns.delimiter}` === ns.prefix)) continue;
    const shared = sharedPrefixes.find((ns) => ns.prefix && box.path.startsWith(ns.prefix));
    if (!shared) {
      personal.push(toInfo(account.id, box, account.teamName ? 'account' : 'personal', box.path.split(box.delimiter || '/').length - 1));
      continue;
    }
    const rest = box.path.slice(shared.prefix.length);
    if (!rest) continue; // the namespace root itself
    const [team, ...sub] = rest.split(shared.delimiter);
    if (!team) continue;
    const info = toInfo(account.id, box, 'shared', sub.length);
    if (sub.length === 0 || (sub.length === 1 && sub[0]!.toUpperCase() === 'INBOX')) {
      info.specialUse = '\\Inbox';
      info.depth = 0;
      if (sub.length === 1 && teams.get(team)?.some((m) => m.specialUse === '\\Inbox')) continue; // same mailbox, two names
    }
    if (!teams.has(team)) teams.set(team, []);
    teams.get(team)!.push(info);
    delimiters.set(team, shared.delimiter);
  }

  if (hasAcl) {
    for (const info of [...teams.values()].flat()) {
      if (info.selectable) info.rights = await myRights(client, info.path);
      info.readOnly = info.rights !== undefined && !/[it]/.test(info.rights);
    }
  }

  const directory: TeamDirectoryEntry[] = [];
  for (const [team, boxes] of teams) {
    const inbox = boxes.find((b) => b.specialUse === '\\Inbox');
    const published = inbox ? await getMetadata(client, inbox.path, [TEAM_NAME_METADATA, TEAM_ADDRESS_METADATA]) : new Map<string, string>();
    const label = published.get(TEAM_NAME_METADATA)?.slice(0, 120) ?? teamLabel(team);
    if (!inbox) continue;
    const ref = { accountId: account.id, team };
    const address = published.get(TEAM_ADDRESS_METADATA);
    directory.push({
      ref,
      groupId: teamGroupId(ref),
      label,
      inboxPath: inbox.path,
      delimiter: delimiters.get(team) ?? '/',
      ...(inbox.rights !== undefined ? { rights: inbox.rights } : {}),
      isLead: isTeamLead(inbox.rights),
      readOnly: inbox.readOnly,
      ...(address ? { publishedAddress: address } : {}),
    });
  }
  const labels = new Map(directory.map((e) => [e.ref.team, e.label]));

  const groups: MailboxGroup[] = [
    {
      id: `${account.id}:own`,
      kind: account.teamName ? 'team' : 'personal',
      label: account.teamName ?? account.displayName,
      accountId: account.id,
      mailboxes: sortMailboxes(personal),
    },
  ];
  for (const [team, boxes] of [...teams.entries()].sort(([a], [b]) => a.localeCompare(b, 'fi'))) {
    groups.push({
      id: teamGroupId({ accountId: account.id, team }),
      kind: 'team',
      label: labels.get(team) ?? teamLabel(team),
      accountId: account.id,
      mailboxes: sortMailboxes(boxes),
    });
  }
  return { groups, teams: directory };
}

function toInfo(accountId: string, box: ListResponse, source: MailboxInfo['source'], depth: number): MailboxInfo {
  const selectable = !box.flags.has('\\Noselect') && !box.flags.has('\\NonExistent');
  return {
    accountId,
    path: box.path,
    name: box.name,
    depth,
    specialUse: box.specialUse || (box.path.toUpperCase() === 'INBOX' ? '\\Inbox' : undefined),
    source,
    selectable,
    readOnly: false,
  };
}

const SPECIAL_ORDER = ['\\Inbox', '\\Drafts', '\\Sent', '\\Archive', '\\Junk', '\\Trash'];

function sortMailboxes(boxes: MailboxInfo[]): MailboxInfo[] {
  const rank = (b: MailboxInfo) => {
    const i = b.specialUse ? SPECIAL_ORDER.indexOf(b.specialUse) : -1;
    return i < 0 ? SPECIAL_ORDER.length : i;
  };
  return boxes.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path, 'fi'));
}

/** "aikuissosiaalityo" → "Aikuissosiaalityo"; "perhe.palvelut" → "Perhe palvelut". */
export function teamLabel(team: string): string {
  const spaced = team.replace(/[._-]+/g, ' ').trim();
  return spaced.charAt(0).toLocaleUpperCase('fi') + spaced.slice(1);
}

/**
 * The display name the server publishes for a team mailbox (RFC 5464 METADATA on its INBOX),
 * e.g. "Aikuissosiaalityö" for the mailbox "aikuissosiaalityo"; IT sets it once on the server.
 */
export const TEAM_NAME_METADATA = '/shared/vendor/sinetti/team-name';
/** The team's sending address, published next to its name (read by team-identities.ts through the directory). */
export const TEAM_ADDRESS_METADATA = '/shared/vendor/sinetti/team-address';
