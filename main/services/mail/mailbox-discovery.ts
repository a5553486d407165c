/**
 * What mailboxes a person may see, as the server says: the personal namespace, the shared
 * namespace (team mailboxes shared by IMAP ACL, one group per team) with the rights the server
 * grants (MYRIGHTS), and accounts that are themselves a team mailbox. Nothing here is configured
 * locally except an account's team name.
 */
import type { ImapFlow, ListResponse } from 'imapflow';
import type { MailboxGroup, MailboxInfo } from '../../../shared/domain.js';

export interface DiscoveryAccount {
  id: string;
  displayName: string;
  teamName?: string;
}

export async function discoverMailboxes(client: ImapFlow, account: DiscoveryAccount): Promise<MailboxGroup[]> {
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
  }

  if (hasAcl) {
    for (const info of [...teams.values()].flat()) {
      if (info.selectable) info.rights = await myRights(client, info.path);
      info.readOnly = info.rights !== undefined && !/[it]/.test(info.rights);
    }
  }

  const canReadMetadata = client.capabilities.has('METADATA');
  const labels = new Map<string, string>();
  for (const [team, boxes] of teams) {
    const inbox = boxes.find((b) => b.specialUse === '\\Inbox');
    const published = canReadMetadata && inbox ? await teamDisplayName(client, inbox.path) : undefined;
    labels.set(team, published ?? teamLabel(team));
  }

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
    groups.push({ id: `${account.id}:shared:${team}`, kind: 'team', label: labels.get(team)!, accountId: account.id, mailboxes: sortMailboxes(boxes) });
  }
  return groups;
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

async function teamDisplayName(client: ImapFlow, path: string): Promise<string | undefined> {
  let name: string | undefined;
  try {
    const response = await (client as unknown as { exec: ImapExec }).exec(
      'GETMETADATA',
      [{ type: 'STRING', value: path }, [{ type: 'ATOM', value: TEAM_NAME_METADATA }] as unknown as { type: string; value: string }],
      {
        untagged: {
          METADATA: async (untagged: { attributes?: { value?: unknown }[] }) => {
            const entries = untagged.attributes?.[1] as unknown as { value?: unknown }[] | undefined;
            const value = Array.isArray(entries) ? entries[1]?.value : undefined;
            const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
            if (text && text.trim()) name = text.trim().slice(0, 120);
          },
        },
      },
    );
    response.next();
  } catch {
    return undefined;
  }
  return name;
}

async function myRights(client: ImapFlow, path: string): Promise<string | undefined> {
  let rights: string | undefined;
  try {
    // imapflow has no MYRIGHTS helper; exec runs the raw command through its parser. Like
    // imapflow's own commands, the caller must release the response with next(), or the
    // connection's reader stays parked and every later command hangs.
    const response = await (client as unknown as { exec: ImapExec }).exec('MYRIGHTS', [{ type: 'STRING', value: path }], {
      untagged: {
        MYRIGHTS: async (untagged: { attributes?: { value?: unknown }[] }) => {
          const value = untagged.attributes?.[1]?.value;
          if (typeof value === 'string') rights = value;
        },
      },
    });
    response.next();
  } catch {
    return undefined;
  }
  return rights;
}

type ImapExec = (
  command: string,
  attributes: { type: string; value: string }[],
  options: { untagged: Record<string, (untagged: { attributes?: { value?: unknown }[] }) => Promise<void>> },
) => Promise<{ next: () => void }>;
