/**
 * Server-side search (IMAP SEARCH) for one mailbox, one UID window at a time: the newest window
 * first, so the first hits of a 50,000-message body search come back after scanning a few
 * thousand messages, not all of them (a default Dovecot has no full-text index: BODY over 50,000
 * messages takes seconds). The caller widens the window step by step (search-service.ts).
 */
import type { ImapFlow, SearchObject } from 'imapflow';
import type { MessageRow } from '../../../shared/domain.js';
import type { SearchQuery } from '../../../shared/search-schema.js';
import { searchWords } from '../../../shared/search-words.js';
import { HEADER_QUERY } from './mailbox-session.js';
import { toMessageRow, type FetchedHeaderData } from './message-row.js';
import { toUidRange } from './uid-ranges.js';

/**
 * Every criterion must hold. imapflow's query is an object (one key per criterion name), so the
 * second and later criteria nest as a one-operand OR, which it emits as a parenthesised group:
 * `BODY a (BODY b (BODY c))`.
 */
function allOf(criteria: SearchObject[]): SearchObject {
  if (criteria.length === 0) return {};
  const [head, ...rest] = criteria;
  return rest.length ? { ...head, or: [allOf(rest)] } : head!;
}

function wordCriterion(field: SearchQuery['field'], word: string): SearchObject {
  switch (field) {
    case 'from':
      return { from: word };
    case 'to':
      return { or: [{ to: word }, { cc: word }, { bcc: word }] };
    case 'subject':
      return { subject: word };
    case 'body':
      return { body: word };
    case 'all':
      // TEXT covers the header too: sender, recipients and subject as well as the body.
      return { text: word };
  }
}

/**
 * The IMAP criteria for a query; `ownAddresses` answers "to me" (null: nothing can match, "to me"
 * without an address of one's own). Attachments are checked on the rows.
 */
export function imapCriteria(query: SearchQuery, ownAddresses: readonly string[]): SearchObject | null {
  const criteria: SearchObject[] = searchWords(query.text).map((w) => wordCriterion(query.field, w));
  if (query.since !== undefined) criteria.push({ since: new Date(query.since) });
  if (query.before !== undefined) criteria.push({ before: new Date(query.before) });
  if (query.unread) criteria.push({ seen: false });
  if (query.flagged) criteria.push({ flagged: true });
  if (query.toMe) {
    const mine = ownAddresses.flatMap((a) => [{ to: a }, { cc: a }]);
    if (!mine.length) return null;
    criteria.push({ or: mine });
  }
  return allOf(criteria);
}

export interface WindowResult {
  /** Matching UIDs in the window, newest first. */
  uids: number[];
  /** The top of the next (older) window, or null when the window reached the first message. */
  nextUpper: number | null;
  /** How many UIDs the window spanned. */
  scanned: number;
  uidValidity: bigint;
}

/** Searches UIDs `upper - size + 1 … upper` (upper null: from the newest message). */
export async function searchWindow(client: ImapFlow, path: string, criteria: SearchObject, upper: number | null, size: number): Promise<WindowResult> {
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('mailbox not selected');
    await client.noop();
    const uidValidity = BigInt(mailbox.uidValidity);
    const top = upper ?? Number(mailbox.uidNext ?? 1) - 1;
    if (upper === null && mailbox.exists === 0) return { uids: [], nextUpper: null, uidValidity, scanned: 0 };
    const lower = Math.max(1, top - size + 1);
    // The newest window is open-ended ("lower:*"): UIDNEXT as selected may be older than mail that arrived since.
    const range = upper === null ? `${lower}:*` : `${lower}:${top}`;
    const found = await client.search({ ...criteria, uid: range }, { uid: true });
    const uids = (Array.isArray(found) ? found : []).filter((u) => u >= lower && (upper === null || u <= top)).sort((a, b) => b - a);
    return { uids, nextUpper: lower > 1 ? lower - 1 : null, uidValidity, scanned: Math.max(0, top - lower + 1) };
  } finally {
    lock.release();
  }
}

/** The list rows of these UIDs (the same header fetch the list uses), newest first; gone ones are left out. */
export async function fetchRows(client: ImapFlow, path: string, uids: readonly number[]): Promise<{ rows: MessageRow[]; uidValidity: bigint }> {
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    // The mailbox may have stayed selected since an earlier search: NOOP lets the server report
    // what was expunged meanwhile, or it would still answer for a message moved away.
    await client.noop();
    const uidValidity = BigInt(client.mailbox ? client.mailbox.uidValidity : 0);
    const rows: MessageRow[] = [];
    if (uids.length) {
      for await (const message of client.fetch(toUidRange([...uids]), HEADER_QUERY, { uid: true })) rows.push(toMessageRow(message as FetchedHeaderData));
    }
    return { rows: rows.sort((a, b) => b.uid - a.uid), uidValidity };
  } finally {
    lock.release();
  }
}

/**
 * The PGP/MIME-encrypted messages of a mailbox, found by their Content-Type header on the server
 * (an RFC 9787 envelope, multipart/signed around the encryption, names the protocol of the signature).
 */
export async function encryptedUids(client: ImapFlow, path: string): Promise<{ uids: number[]; uidValidity: bigint }> {
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    const uidValidity = BigInt(client.mailbox ? client.mailbox.uidValidity : 0);
    if (!client.mailbox || client.mailbox.exists === 0) return { uids: [], uidValidity };
    const found = await client.search({ header: { 'content-type': 'multipart/encrypted' } }, { uid: true });
    return { uids: (Array.isArray(found) ? found : []).sort((a, b) => b - a), uidValidity };
  } finally {
    lock.release();
  }
}
