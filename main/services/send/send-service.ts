/**
 * Sending, composed: the composer's message → the send gate (decision, approval) → the durable
 * outbox → SMTP for the account the message is sent from. The sender is always the account's own
 * address (never a free From given by the renderer); recipient keys come from the keys the person
 * holds and has accepted; what signs and which keys read the kept copies is decided for the
 * identity in one place (crypto/identity-keys.ts): a team's key when sending as the team. The
 * Message-ID is minted here from the sender's domain (message-id.ts), never taken from the renderer.
 */
import { join } from 'node:path';
import type { Key } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import type { DecisionView, OutgoingMessageInput } from '../../../shared/send-schema.js';
import { emailOfUserId, requireSigningKey, type IdentityKeyring, type KeyIdentity } from '../crypto/identity-keys.js';
import { assertUsable } from '../crypto/key-service.js';
import type { KeyProvider } from '../crypto/key-provider.js';
import { buildPgpMimeMessage, type OutgoingMessage } from '../crypto/pgp-mime-writer.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { MailService } from '../mail/mail-service.js';
import type { CredentialProvider } from '../accounts/credentials.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { Logger } from '../logging/logger.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { toAsciiAddress } from '../../../shared/outgoing-address.js';
import type { Locale, MailboxRef } from '../../../shared/domain.js';
import { ComposeSources, type ComposeMode } from './compose-sources.js';
import { Correspondents } from './correspondents.js';
import { Outbox, type OutboxItem } from './outbox.js';
import { SendGate, buildPlainMessage, type Envelope, type MailTransport } from './send-gate.js';
import { ehloNameFor, messageIdFor } from '../mime/message-id.js';
import { SmtpTransport } from './smtp-transport.js';

export interface SendServiceDeps {
  mail: MailService;
  /** Asked at each SMTP connection (accounts/credentials.ts). */
  credentials: CredentialProvider;
  /** Which keys sign as an identity and read its kept copies (the one decision, identity-keys.ts). */
  identityKeys: IdentityKeyring;
  /** Every key the person holds or accepted (own, team, correspondents). */
  keyProvider: KeyProvider;
  policy: PolicyService;
  secrets: SecretStore;
  dataDir: string;
  events?: DomainEventBus;
  extraCaPem?: string;
  /** Ids and error codes of background sending, never content. */
  logger?: Logger;
  /**
   * The traffic cop (team/team-work-service.ts `checkReply`): refuses a reply to a team message
   * that someone else claimed or answered since the composer opened. Set after construction.
   */
  teamReplyCheck?: (
    original: { mailbox: { accountId: string; path: string }; uid: number },
    basis?: { handler: string | null; answered: boolean },
  ) => Promise<void>;
}

type ParsedOutgoing = Omit<OutgoingMessageInput, 'cc' | 'attachments'> & {
  cc: string[];
  attachments: { filename: string; contentType: string; contentBase64: string }[];
};
type BuiltMessage = { message: OutgoingMessage; context: { inReplyToSecure: boolean; identity: KeyIdentity } };

/** The last forwarded original fetched: the live hints re-check the same message every few hundred ms. */
const ORIGINAL_CACHE_MS = 120_000;

/**
 * Storing in the outbox failed, so nothing was sent: a locked keychain keeps its own code (the
 * person can unlock it), anything else is said as what it means for the message.
 */
function notStored(error: unknown): ServiceError {
  if (error instanceof ServiceError && (error.code === 'KEYCHAIN_LOCKED' || error.code === 'KEYCHAIN_UNAVAILABLE')) return error;
  return new ServiceError('OUTBOX_FAILED', 'The message could not be stored in the outbox, so it was not sent. It is still in the composer: try again.', {
    cause: error,
  });
}

export class SendService {
  private constructor(
    private readonly deps: SendServiceDeps,
    private readonly gate: SendGate,
    readonly outbox: Outbox,
    readonly sources: ComposeSources,
  ) {}

  readonly correspondents = new Correspondents(() => this.deps.mail.knownSenders());

  /** Sets the traffic cop (the team module is built after the send service). */
  setTeamReplyCheck(check: NonNullable<SendServiceDeps['teamReplyCheck']>): void {
    this.deps.teamReplyCheck = check;
  }
  private original: { key: string; at: number; attachment: { filename: string; contentType: string; content: Buffer } } | null = null;

  static async create(deps: SendServiceDeps): Promise<SendService> {
    // A transport per send (only options; the connection is per transaction anyway): an edited
    // SMTP server or a changed password applies to the next message, and the credential is asked
    // from the credential provider at connect time, never kept here.
    const transportFor = async (accountId: string): Promise<MailTransport> => {
      const account = await deps.mail.sendingAccount(accountId);
      // EHLO names the account's own mail domain, never the workstation or `.invalid`.
      return new SmtpTransport(
        {
          ...account.smtp,
          username: account.username,
          credential: () => deps.credentials.credential(accountId),
          refused: (credential) => deps.credentials.refused(accountId, credential),
        },
        { extraCaPem: deps.extraCaPem, clientName: ehloNameFor(account.address) },
      );
    };
    let opened: Outbox | null = null;
    const outbox = await Outbox.open({
      dir: join(deps.dataDir, 'outbox'),
      secrets: deps.secrets,
      transportFor,
      ...(deps.logger ? { logger: deps.logger } : {}),
      // The server took the last copy (whether or not a Sent copy is filed after it): drafts go.
      onAccepted: (item) => {
        if (!opened?.list().some((i) => i.messageId === item.messageId))
          deps.events?.emit({ type: 'message.accepted', accountId: item.accountId, messageId: item.messageId, at: Date.now() });
      },
      onMessageDone: async ({ accountId, messageId, after }) => {
        if (after.sentCopy) await deps.mail.appendToSent(accountId, after.sentCopy, after.teamMailbox);
        if (after.replyTo) await deps.mail.markAnswered(after.replyTo.mailbox, after.replyTo.uid);
        if (after.forwarded) await deps.mail.markForwarded(after.forwarded.mailbox, after.forwarded.uid);
        deps.events?.emit({ type: 'message.delivered', accountId, messageId, at: Date.now() });
      },
    });
    opened = outbox;
    let service: SendService | null = null;
    const gate = new SendGate({
      policy: deps.policy,
      keys: {
        recipientKey: (address) => service!.recipientKey(address),
        identityKeys: (identity) => deps.identityKeys.keysFor(identity),
      },
      // Replaced per submission by the outbox of that account (see submit).
      transport: { send: async () => Promise.reject(new ServiceError('INTERNAL', 'No transport chosen.')) },
      events: deps.events,
    });
    const sources = new ComposeSources({
      mail: deps.mail,
      keys: deps.keyProvider,
      gatewayHeader: () => deps.policy.state().effective?.policy.gateway.header.name ?? 'X-Sinetti-Secure',
    });
    service = new SendService(deps, gate, outbox, sources);
    return service;
  }

  /** The addresses the person can send as: each account with a sending address, and the team mailboxes the server offers. */
  async identities() {
    return this.sources.identities();
  }

  /** The start of a reply, reply-all or forward, in the person's language. */
  async composeContext(ref: MailboxRef, uid: number, mode: ComposeMode, locale: Locale) {
    return this.sources.composeContext(ref, uid, mode, locale);
  }

  async evaluate(input: ParsedOutgoing): Promise<{ decision: DecisionView; token: string }> {
    const { message, context } = await this.toMessage(input);
    const { decision, token } = await this.gate.evaluate(message, context);
    return { decision, token };
  }

  async submit(
    input: ParsedOutgoing,
    approval: { token: string; justification?: string; mobileNumber?: string },
  ): Promise<{ queued: number; messageId: string }> {
    // Before anything is approved or stored: nobody else took or answered the team original meanwhile.
    if (input.replyTo && this.deps.teamReplyCheck) await this.deps.teamReplyCheck(input.replyTo, input.teamBasis);
    const { message, context } = await this.toMessage(input);
    let queued = 0;
    // The gate counts the message as sent (and spends the approval) only once this resolves:
    // every copy stored in the outbox, sealed, or none.
    const store = async (envelopes: Envelope[], decision: { route: string }) => {
      // One OpenPGP copy for everyone is already encrypted to the sender's (and team's) keys: it is
      // the Sent copy as it went out, with no second encryption of the same message.
      const single = envelopes.length === 1 && envelopes[0]!.route === 'openpgp' ? { sentCopy: envelopes[0]!.raw } : null;
      try {
        await this.outbox.enqueue(input.accountId, message.messageId, envelopes, {
          ...(single ?? (await this.sentCopy(message, context.identity, decision.route === 'plain')) ?? {}),
          ...(input.replyTo ? { replyTo: input.replyTo } : {}),
          ...(input.forward ? { forwarded: { mailbox: input.forward.mailbox, uid: input.forward.uid } } : {}),
          ...(input.teamMailbox ? { teamMailbox: input.teamMailbox } : {}),
        });
      } catch (error) {
        throw notStored(error);
      }
      queued = envelopes.length;
    };
    await this.gate.submit(message, approval, context, { store });
    this.correspondents.noteSent([...message.to, ...(message.cc ?? [])].map((a) => a.address));
    const at = Date.now();
    if (input.forward)
      this.deps.events?.emit({
        type: 'message.forwarded',
        accountId: input.forward.mailbox.accountId,
        mailbox: input.forward.mailbox.path,
        uid: input.forward.uid,
        messageId: message.messageId,
        mode: input.forward.mode,
        at,
      });
    if (input.teamMailbox)
      this.deps.events?.emit({
        type: 'message.sent-as-team',
        accountId: input.accountId,
        teamMailbox: input.teamMailbox,
        messageId: message.messageId,
        senderRecorded: message.sender !== undefined,
        at,
      });
    return { queued, messageId: message.messageId };
  }

  /** What the outbox shows: the copies waiting, refused or uncertain, and those set aside as damaged. */
  outboxItems(): (Pick<OutboxItem, 'id' | 'to' | 'attempts' | 'lastError'> &
    Partial<Pick<OutboxItem, 'messageId' | 'route'>> & { state: OutboxItem['state'] | 'damaged' })[] {
    const live = this.outbox
      .list()
      .map(({ id, messageId, route, to, state, attempts, lastError }) => ({ id, messageId, route, to, state, attempts, ...(lastError ? { lastError } : {}) }));
    const damaged = this.outbox.damaged().map(({ id, code }) => ({
      id,
      to: [],
      state: 'damaged' as const,
      attempts: 0,
      lastError: { code, message: 'This outgoing message could not be read, so it was set aside and will not be sent. It is kept on this computer.' },
    }));
    return [...damaged, ...live];
  }

  close(): void {
    this.outbox.stop();
  }

  /**
   * The message exactly as it would leave: From (and Sender) from the identity, recipients in
   * their SMTP form (punycode domains; validated again here), the forwarded original fetched by
   * UID — never bytes the renderer supplied. A reply to or forward of secured mail, or a message
   * the person asked to send securely, is judged as a secure conversation (it can only tighten).
   */
  private async toMessage(input: ParsedOutgoing): Promise<BuiltMessage> {
    const { from, person, kind } = await this.sources.from(input.accountId, input.teamMailbox);
    const policy = this.deps.policy.state().effective?.policy;
    const gatewayHeader = policy?.gateway.header.name ?? 'X-Sinetti-Secure';
    const original = input.replyTo ? await this.deps.mail.replyContext(input.replyTo.mailbox, input.replyTo.uid, gatewayHeader) : null;
    const forwarded = input.forward ? await this.deps.mail.replyContext(input.forward.mailbox, input.forward.uid, gatewayHeader) : null;
    const ascii = (address: string) => {
      const value = toAsciiAddress(address);
      if (!value) throw new ServiceError('VALIDATION', 'A recipient address is not valid.');
      return { address: value };
    };
    const attachments: { filename: string; contentType: string; content: Buffer }[] = input.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.contentBase64, 'base64'),
    }));
    if (input.forward?.mode === 'attachment')
      attachments.unshift(await this.forwardedOriginal(input.forward.mailbox, input.forward.uid, (policy?.attachments.maxSizeMb ?? 25) * 1024 * 1024));
    const message: OutgoingMessage = {
      from,
      // Who really sent it, when sending as a team (policy: sending.senderHeader).
      ...(person && person.address !== from.address && policy?.sending.senderHeader !== false ? { sender: person } : {}),
      to: input.to.map(ascii),
      cc: input.cc.map(ascii),
      subject: input.subject,
      text: input.text,
      attachments,
      // Minted here from the From domain (the team's for a team), stable for the draft: message-id.ts.
      messageId: messageIdFor(input.draftId, from.address),
      date: new Date(),
      ...(original?.messageId
        ? { inReplyTo: original.messageId, references: [original.messageId] }
        : forwarded?.messageId
          ? { references: [forwarded.messageId] }
          : {}),
    };
    const identity: KeyIdentity = { address: from.address, kind, ...(person ? { person: person.address } : {}) };
    return { message, context: { inReplyToSecure: original?.secure === true || forwarded?.secure === true || input.secure === true, identity } };
  }

  private async forwardedOriginal(mailbox: MailboxRef, uid: number, maxBytes: number) {
    const key = `${mailbox.accountId}\u0000${mailbox.path}\u0000${uid}`;
    if (this.original && this.original.key === key && Date.now() - this.original.at < ORIGINAL_CACHE_MS) return this.original.attachment;
    const attachment = await this.sources.originalAsAttachment(mailbox, uid, maxBytes);
    this.original = { key, at: Date.now(), attachment };
    return attachment;
  }

  /**
   * The copy for the Sent folder: encrypted to the identity's own keys (never readable text on the
   * server), or as it was when the whole message went out as plain mail and there is no own key.
   * Without either, no copy is filed: a readable copy of protected mail on the server is worse.
   */
  private async sentCopy(message: OutgoingMessage, identity: KeyIdentity, plainMessage: boolean): Promise<{ sentCopy: Buffer } | null> {
    // Sent as a team: readable to the team's key and to the person who sent it.
    const own = await this.deps.identityKeys.keysFor(identity);
    if (own.encryptToSelf.length && own.signWith)
      return { sentCopy: await buildPgpMimeMessage(message, { encryptionKeys: own.encryptToSelf, signingKey: requireSigningKey(own) }) };
    return plainMessage ? { sentCopy: await buildPlainMessage(message) } : null;
  }

  /** An accepted, usable key carrying the address (own, team or a correspondent's), or null. */
  private async recipientKey(address: string): Promise<Key | null> {
    for (const key of await this.deps.keyProvider.verificationKeys()) {
      if (!key.getUserIDs().some((id) => emailOfUserId(id) === address.toLowerCase())) continue;
      const acceptance = await this.deps.keyProvider.acceptanceOf(key.getFingerprint().toUpperCase());
      if (!acceptance || acceptance === 'rejected' || acceptance === 'undecided') continue;
      if (
        await assertUsable(key).then(
          () => true,
          () => false,
        )
      )
        return key;
    }
    return null;
  }
}
