/**
 * How team handling state is written on the server, for both mechanisms:
 * - keywords on the message (CONDSTORE servers that accept custom keywords): `$SinettiH_<member>`
 *   names the handler, `$SinettiS_<status>` the status (none: new);
 * - records in the team's append-only journal folder (`<team INBOX>/Sinetti-tila`): one small
 *   message per change whose headers carry the target message (UIDVALIDITY and UID), the action
 *   and member identifiers — nothing else. A note (a take-over reason) travels only as the body,
 *   encrypted to the team key by the caller.
 * What the server operator can read is therefore: who claimed, released, took over or reassigned
 * which message number, and statuses. Never names, subjects or reasons.
 */
import { randomUUID } from 'node:crypto';
import type { TeamItemStatus } from '../../../shared/team-work-schema.js';
import type { HandlingState, StoredChange, TeamChange, TeamChangeAction } from '../team/team-state.js';

export const TEAM_STATE_FOLDER = 'Sinetti-tila';

export function teamStateFolderPath(teamInboxPath: string, delimiter = '/'): string {
  const base = teamInboxPath.toUpperCase().endsWith(`${delimiter}INBOX`) ? teamInboxPath : `${teamInboxPath}${delimiter}INBOX`;
  return `${base}${delimiter}${TEAM_STATE_FOLDER}`;
}

/** A member identifier as state may carry it: an address, no spaces, no control characters. */
const MEMBER_ID = /^[^\s@"()<>,;:\\[\]]{1,64}@[^\s@"()<>,;:\\[\]]{1,255}$/;

export function assertMemberId(id: string): string {
  if (!MEMBER_ID.test(id)) throw new Error('A team member identifier must be a plain e-mail address.');
  return id.toLowerCase();
}

const HANDLER_PREFIX = '$SinettiH_';
const STATUS_PREFIX = '$SinettiS_';
const STATUSES: readonly TeamItemStatus[] = ['new', 'in-progress', 'waiting', 'done'];

/** An IMAP atom may not carry every address character: anything outside a safe set is =XX. */
function encodeMember(id: string): string {
  return [...Buffer.from(assertMemberId(id), 'utf8')]
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[a-z0-9._@+-]/.test(c) ? c : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

function decodeMember(encoded: string): string | null {
  try {
    const bytes: number[] = [];
    for (let i = 0; i < encoded.length; i += 1) {
      if (encoded[i] === '=') {
        bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(encoded.charCodeAt(i));
    }
    const id = Buffer.from(bytes).toString('utf8').toLowerCase();
    return MEMBER_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

export const isTeamStateKeyword = (flag: string) => flag.startsWith(HANDLER_PREFIX) || flag.startsWith(STATUS_PREFIX);

/** The handling state the keywords of a message say (several handler keywords cannot arise under a conditional STORE; the smallest counts). */
export function stateFromKeywords(flags: Iterable<string>): HandlingState {
  const handlers: string[] = [];
  let status: TeamItemStatus = 'new';
  for (const flag of flags) {
    if (flag.startsWith(HANDLER_PREFIX)) {
      const id = decodeMember(flag.slice(HANDLER_PREFIX.length));
      if (id) handlers.push(id);
    } else if (flag.startsWith(STATUS_PREFIX)) {
      const named = flag.slice(STATUS_PREFIX.length).toLowerCase() as TeamItemStatus;
      if (STATUSES.includes(named)) status = named;
    }
  }
  return { handler: handlers.sort()[0] ?? null, since: null, status };
}

/** The message's flags with its team-state keywords replaced by those of `state` (everything else kept). */
export function flagsWithState(flags: Iterable<string>, state: HandlingState): string[] {
  const kept = [...flags].filter((f) => !isTeamStateKeyword(f) && f !== '\\Recent');
  if (state.handler) kept.push(`${HANDLER_PREFIX}${encodeMember(state.handler)}`);
  if (state.status !== 'new') kept.push(`${STATUS_PREFIX}${state.status}`);
  return kept;
}

const HEADER = {
  version: 'X-Sinetti-State',
  target: 'X-Sinetti-Target',
  action: 'X-Sinetti-Action',
  by: 'X-Sinetti-By',
  from: 'X-Sinetti-From',
  to: 'X-Sinetti-To',
  status: 'X-Sinetti-Status',
  note: 'X-Sinetti-Note',
} as const;
export const JOURNAL_HEADERS = Object.values(HEADER).map((h) => h.toLowerCase());
const ACTIONS: readonly TeamChangeAction[] = ['claim', 'release', 'take-over', 'reassign', 'status'];

/** One journal record: a small message carrying the change's identifiers (and, as its body, a sealed note). */
export function buildJournalRecord(target: { uidValidity: bigint; uid: number }, change: TeamChange, sealedNote?: string): Buffer {
  const lines = [
    `From: Sinetti <team-state@sinetti.invalid>`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Subject: Sinetti team state`,
    `Message-ID: <${randomUUID()}@sinetti.invalid>`,
    'MIME-Version: 1.0',
    `${HEADER.version}: 1`,
    `${HEADER.target}: ${target.uidValidity.toString()} ${target.uid}`,
    `${HEADER.action}: ${change.action}`,
    `${HEADER.by}: ${assertMemberId(change.by)}`,
  ];
  if (change.from !== undefined) lines.push(`${HEADER.from}: ${change.from === null ? '-' : assertMemberId(change.from)}`);
  if (change.to) lines.push(`${HEADER.to}: ${assertMemberId(change.to)}`);
  if (change.status) lines.push(`${HEADER.status}: ${change.status}`);
  if (sealedNote) lines.push(`${HEADER.note}: sealed`);
  lines.push('Content-Type: text/plain; charset=us-ascii', '', sealedNote && /^[\x20-\x7e\r\n]+$/.test(sealedNote) ? sealedNote : '');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** A journal record read back (its headers), or null for anything that is not a valid record for this INBOX. */
export function parseJournalRecord(headers: string, meta: { order: number; at: number }, inboxUidValidity: bigint): StoredChange | null {
  const get = (name: string) => new RegExp(`^${name}:[ \\t]*(.*?)\\s*$`, 'im').exec(headers)?.[1];
  if (get(HEADER.version) !== '1') return null;
  const target = /^(\d+) (\d+)$/.exec(get(HEADER.target) ?? '');
  if (!target || BigInt(target[1]!) !== inboxUidValidity) return null;
  const action = get(HEADER.action) as TeamChangeAction | undefined;
  if (!action || !ACTIONS.includes(action)) return null;
  const member = (value: string | undefined) => (value && MEMBER_ID.test(value) ? value.toLowerCase() : undefined);
  const by = member(get(HEADER.by));
  if (!by) return null;
  const fromRaw = get(HEADER.from);
  const status = get(HEADER.status) as TeamItemStatus | undefined;
  const to = member(get(HEADER.to));
  return {
    target: Number(target[2]),
    order: meta.order,
    at: meta.at,
    action,
    by,
    ...(fromRaw === undefined ? {} : { from: fromRaw === '-' ? null : (member(fromRaw) ?? '') }),
    ...(to ? { to } : {}),
    ...(status && STATUSES.includes(status) ? { status } : {}),
    ...(get(HEADER.note) === 'sealed' ? { sealedNote: true } : {}),
  };
}
