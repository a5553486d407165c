/**
 * The grant as a message in the team's keys folder: a short human note, the sealed grant
 * (armored, encrypted to the member and signed by the lead) and the public roster entry. Headers
 * only help find a member's grants quickly; nothing in them is trusted — openGrant() and
 * readRosterEntry() decide. No secret is ever outside the encrypted attachment.
 */
import { mailDomainOf } from '../mime/message-id.js';
import { randomBytes } from 'node:crypto';
import PostalMime from 'postal-mime';

export const GRANT_HEADER = 'X-Sinetti-Team-Key-Grant';
export const GRANT_FILE = 'sinetti-team-key-grant.asc';
export const ROSTER_FILE = 'sinetti-team-roster-entry.asc';

export interface GrantMessageInput {
  team: string;
  teamLabel: string;
  generation: number;
  memberFingerprint: string;
  memberUserId: string;
  leadAddress: string;
  grant: string;
  roster: string;
  date?: Date;
}

export interface ParsedGrantMessage {
  /** What the headers claim; used only to pick candidates, never trusted. */
  claimedMember: string | null;
  claimedTeam: string | null;
  grant: string | null;
  roster: string | null;
}

const headerSafe = (value: string) => value.replace(/[\r\n]+/g, ' ').slice(0, 300);
const encodedWord = (value: string) => (/^[\x20-\x7e]*$/.test(value) ? headerSafe(value) : `=?UTF-8?B?${Buffer.from(headerSafe(value)).toString('base64')}?=`);
/** "Name <addr>" (an OpenPGP user ID) as an address header: the name as an encoded word, the address as it is. */
const addressHeader = (userId: string) => {
  const match = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(userId);
  if (!match) return /^[^\s@<>]+@[^\s@<>]+$/.test(userId.trim()) ? userId.trim() : 'undisclosed-recipients:;';
  return match[1] ? `${encodedWord(match[1])} <${match[2]}>` : `<${match[2]}>`;
};

export function buildGrantMessage(input: GrantMessageInput): Buffer {
  const boundary = `=_grant_${randomBytes(8).toString('hex')}`;
  const date = input.date ?? new Date();
  const note = [
    `Tiimiavain (${input.teamLabel}, sukupolvi ${input.generation}) henkilölle ${input.memberUserId}.`,
    'Avaa Sinetissä: Avaimet > Tiimiavaimet > Odottavat käyttöoikeudet.',
    '',
    `Team key (${input.teamLabel}, generation ${input.generation}) for ${input.memberUserId}.`,
    'Open it in Sinetti: Keys > Team keys > Pending grants.',
    '',
  ].join('\r\n');
  const part = (filename: string, content: string) => [
    `--${boundary}`,
    `Content-Type: application/octet-stream; name="${filename}"`,
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: 7bit',
    '',
    content.trim(),
    '',
  ];
  return Buffer.from(
    [
      `From: ${addressHeader(input.leadAddress)}`,
      `To: ${addressHeader(input.memberUserId)}`,
      `Subject: ${encodedWord(`Sinetti: ${input.teamLabel} – tiimiavain / team key`)}`,
      `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
      // Under the lead's own mail domain, like every Message-ID Sinetti mints (mime/message-id.ts);
      // a lead key without an address gives `localhost`, never `.invalid`.
      `Message-ID: <team-key-grant.${randomBytes(12).toString('hex')}@${mailDomainOf(input.leadAddress.replace(/^.*<([^>]+)>.*$/, '$1')) ?? 'localhost'}>`,
      `${GRANT_HEADER}: team=${headerSafe(input.team)}; generation=${input.generation}; member=${input.memberFingerprint}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      note,
      ...part(GRANT_FILE, input.grant),
      ...part(ROSTER_FILE, input.roster),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'utf8',
  );
}

export async function parseGrantMessage(raw: Buffer): Promise<ParsedGrantMessage> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const header = email.headers.find((h) => h.key.toLowerCase() === GRANT_HEADER.toLowerCase())?.value ?? '';
  const field = (name: string) => new RegExp(`(?:^|;)\\s*${name}=([^;\\s]+)`).exec(header)?.[1] ?? null;
  const text = (filename: string) => {
    const attachment = email.attachments.find((a) => a.filename === filename);
    if (!attachment) return null;
    const content = attachment.content;
    return typeof content === 'string' ? content : Buffer.from(content as ArrayBuffer).toString('utf8');
  };
  return { claimedMember: field('member')?.toUpperCase() ?? null, claimedTeam: field('team'), grant: text(GRANT_FILE), roster: text(ROSTER_FILE) };
}
