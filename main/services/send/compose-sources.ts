/**
 * What the composer starts from and sends as, worked out in the main process from what the
 * server holds — never from what the renderer says about an original:
 *  - the identities the person may send as (own accounts, and team mailboxes whose server
 *    publishes a sending address: main/services/mail/team-identities.ts);
 *  - From and Sender for a message (a team identity sends with the person in Sender, per policy);
 *  - the start of a reply / reply-all / forward (recipients, subject, the quoted root body);
 *  - the original's exact bytes for a forward as attachment (message/rfc822), fetched by UID.
 */
import type { Locale, MailboxRef } from '../../../shared/domain.js';
import { ServiceError } from '../../../shared/result.js';
import type { ComposeContext, SendIdentity } from '../../../shared/send-schema.js';
import type { KeyProvider } from '../crypto/key-provider.js';
import type { MailAddress } from '../crypto/pgp-mime-writer.js';
import type { MailService } from '../mail/mail-service.js';
import { openable } from '../mail/structure-limits.js';
import { fetchRootText, forwardBlock, prefixedSubject, quoteForReply, replyRecipients, withoutArmoredBlocks } from '../mail/quote-original.js';
import { teamIdentities, type TeamIdentity } from '../mail/team-identities.js';
import { arrivedSecured } from '../mail/original-security.js';

const IDENTITY_CACHE_MS = 60_000;

export type ComposeMode = 'reply' | 'reply-all' | 'forward';

interface TeamEntry extends TeamIdentity {
  paths: string[];
}

export class ComposeSources {
  private cache: { at: number; accounts: string; personal: SendIdentity[]; teams: TeamEntry[] } | null = null;

  constructor(private readonly deps: { mail: MailService; keys?: KeyProvider; gatewayHeader: () => string }) {}

  async identities(): Promise<SendIdentity[]> {
    const { personal, teams } = await this.load();
    return [...personal, ...teams.map(({ accountId, teamMailbox, address, name }) => ({ accountId, teamMailbox, address, name, kind: 'team' as const }))];
  }

  /**
   * From (and Sender) for a message. A team identity must be one the server offers now; the
   * person is recorded as Sender: the account's own address, or — for an account that is itself
   * a team mailbox — the person's own account, when there is one.
   */
  async from(accountId: string, teamMailbox: string | undefined): Promise<{ from: MailAddress; person?: MailAddress; kind: 'personal' | 'team' }> {
    const account = await this.deps.mail.sendingAccount(accountId);
    const own = { name: account.name, address: account.address };
    if (teamMailbox) {
      const team = (await this.load()).teams.find((t) => t.accountId === accountId && t.teamMailbox === teamMailbox);
      if (!team)
        throw new ServiceError('VALIDATION', 'You cannot send as this team mailbox (the server publishes no sending address for it, or you may only read it).');
      return { from: { name: team.name, address: team.address }, person: own, kind: 'team' };
    }
    const summary = this.deps.mail.listAccounts().find((a) => a.id === accountId);
    if (summary?.teamName) {
      const { personal } = await this.load();
      const person = personal.find((p) => p.kind === 'personal');
      return { from: own, ...(person ? { person: { name: person.name, address: person.address } } : {}), kind: 'team' };
    }
    return { from: own, kind: 'personal' };
  }

  /** The addresses of every team identity (team mailboxes with a sending address, team accounts): their keys are never the person's own. */
  async teamAddresses(): Promise<string[]> {
    return (await this.identities()).filter((i) => i.kind === 'team').map((i) => i.address.toLowerCase());
  }

  async composeContext(ref: MailboxRef, uid: number, mode: ComposeMode, locale: Locale): Promise<ComposeContext> {
    const gatewayHeader = this.deps.gatewayHeader();
    const session = await this.deps.mail.session(ref);
    const original = await session.withClient(async (client) => {
      const { meta, structure } = openable(
        await client.fetchOne(String(uid), { uid: true, envelope: true, bodyStructure: true, internalDate: true, headers: [gatewayHeader] }, { uid: true }),
      );
      const envelope = meta.envelope ?? {};
      const list = (l: { name?: string; address?: string }[] | undefined) =>
        (l ?? []).map((a) => ({ name: a.name ?? '', address: a.address ?? '' })).filter((a) => a.address);
      const from = list(envelope.from);
      // Exactly one From, or no signature can count (as when reading).
      const body = await fetchRootText(client, uid, structure, from.length === 1 ? from[0]!.address : '', this.deps.keys);
      const headerDate = envelope.date ? new Date(envelope.date).getTime() : NaN;
      return {
        from,
        replyTo: list(envelope.replyTo),
        to: list(envelope.to),
        cc: list(envelope.cc),
        subject: body.subject ?? envelope.subject ?? '',
        date: Number.isFinite(headerDate) ? headerDate : meta.internalDate ? new Date(meta.internalDate).getTime() : Date.now(),
        text: body.text,
        // Any encrypted original (PGP/MIME or inline) or gateway mail: the answer stays secure.
        secure: await arrivedSecured(client, uid, { structure, gatewayHeaderLines: meta.headers?.toString('latin1') ?? '' }, gatewayHeader),
      };
    });
    const { personal, teams } = await this.load();
    const team = teams.find((t) => t.accountId === ref.accountId && t.paths.includes(ref.path));
    const own = [...personal, ...teams].map((i) => i.address);
    const sender = original.from[0] ?? { name: '', address: '' };
    const recipients = mode === 'forward' ? { to: [], cc: [] } : replyRecipients(original, mode === 'reply-all', own);
    const text = withoutArmoredBlocks(original.text, locale);
    const quoted =
      mode === 'forward' ? forwardBlock(text, { ...original, from: sender }, locale) : quoteForReply(text, { from: sender, date: original.date }, locale);
    return {
      ...recipients,
      subject: prefixedSubject(original.subject, mode === 'forward' ? 'Fwd:' : 'Re:'),
      quoted,
      accountId: ref.accountId,
      ...(team ? { teamMailbox: team.teamMailbox } : {}),
      secure: original.secure,
    };
  }

  /** The original exactly as stored, as a message/rfc822 attachment; refused over the policy's size limit. */
  async originalAsAttachment(ref: MailboxRef, uid: number, maxBytes: number): Promise<{ filename: string; contentType: string; content: Buffer }> {
    const session = await this.deps.mail.session(ref);
    return session.withClient(async (client) => {
      const meta = await client.fetchOne(String(uid), { uid: true, size: true, envelope: true }, { uid: true });
      if (!meta) throw new ServiceError('MESSAGE_GONE', 'The message no longer exists on the server.');
      if ((meta.size ?? 0) > maxBytes) throw new ServiceError('TOO_LARGE', 'The message is larger than the attachment size limit.');
      const full = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
      if (!full || !full.source) throw new ServiceError('MESSAGE_GONE', 'The message no longer exists on the server.');
      return { filename: attachmentName(meta.envelope?.subject), contentType: 'message/rfc822', content: full.source };
    });
  }

  private async load(): Promise<{ personal: SendIdentity[]; teams: TeamEntry[] }> {
    // Kept a minute (a composer opening asks several times), and never across an account change.
    const accounts = this.deps.mail
      .listAccounts()
      .map((a) => a.id)
      .join(',');
    if (this.cache && this.cache.accounts === accounts && Date.now() - this.cache.at < IDENTITY_CACHE_MS) return this.cache;
    const personal: SendIdentity[] = [];
    const teams: TeamEntry[] = [];
    // One pass: the mailbox groups and the team directory (with each team's published address).
    const { groups, teams: directory } = await this.deps.mail.discover();
    for (const account of this.deps.mail.listAccounts()) {
      const sending = await this.deps.mail.sendingAccount(account.id).catch(() => null);
      if (sending) personal.push({ accountId: account.id, address: sending.address, name: sending.name, kind: account.teamName ? 'team' : 'personal' });
      const own = groups.filter((g) => g.accountId === account.id);
      const found = teamIdentities(directory.filter((e) => e.ref.accountId === account.id));
      for (const team of found) teams.push({ ...team, paths: own.find((g) => g.id === team.teamMailbox)?.mailboxes.map((m) => m.path) ?? [] });
    }
    this.cache = { at: Date.now(), accounts, personal, teams };
    return this.cache;
  }
}

/** A file name from the subject: no path separators or control characters, never empty. */
export function attachmentName(subject: string | undefined): string {
  const cleaned = (subject ?? '')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
  return `${cleaned && cleaned !== '...' ? cleaned : 'viesti'}.eml`;
}
