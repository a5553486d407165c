/**
 * Sending, composed: the composer's message → the send gate (decision, approval) → the durable
 * outbox → SMTP for the account the message is sent from. The sender is always the account's own
 * address (never a free From given by the renderer); recipient keys come from the keys the person
 * holds and has accepted; the signing key is the person's own key for that address.
 */
import { join } from 'node:path';
import type { Key, PrivateKey } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import type { DecisionView, OutgoingMessageInput } from '../../../shared/send-schema.js';
import { assertUsable } from '../crypto/key-service.js';
import type { KeyService } from '../crypto/key-service.js';
import type { KeyProvider } from '../crypto/key-provider.js';
import { buildPgpMimeMessage, type OutgoingMessage } from '../crypto/pgp-mime-writer.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { MailService } from '../mail/mail-service.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { Outbox, type OutboxItem } from './outbox.js';
import { SendGate, buildPlainMessage, type Envelope, type MailTransport } from './send-gate.js';
import { SmtpTransport } from './smtp-transport.js';

export interface SendServiceDeps {
  mail: MailService;
  keys: KeyService;
  /** Every key the person holds or accepted (own, team, correspondents). */
  keyProvider: KeyProvider;
  policy: PolicyService;
  secrets: SecretStore;
  dataDir: string;
  events?: DomainEventBus;
  extraCaPem?: string;
}

type ParsedOutgoing = Omit<OutgoingMessageInput, 'cc' | 'attachments'> & { cc: string[]; attachments: { filename: string; contentType: string; contentBase64: string }[] };

const emailOf = (userId: string) => /<([^>]+)>\s*$/.exec(userId)?.[1]?.toLowerCase() ?? (userId.includes('@') ? userId.trim().toLowerCase() : '');

export class SendService {
  private constructor(
    private readonly deps: SendServiceDeps,
    private readonly gate: SendGate,
    readonly outbox: Outbox,
  ) {}

  static async create(deps: SendServiceDeps): Promise<SendService> {
    const transports = new Map<string, SmtpTransport>();
    const transportFor = async (accountId: string): Promise<MailTransport> => {
      let transport = transports.get(accountId);
      if (!transport) {
        const account = await deps.mail.sendingAccount(accountId);
        transport = new SmtpTransport({ ...account.smtp, username: account.username, password: account.password }, { extraCaPem: deps.extraCaPem });
        transports.set(accountId, transport);
      }
      return transport;
    };
    let opened: Outbox | null = null;
    const outbox = await Outbox.open({
      dir: join(deps.dataDir, 'outbox'),
      secrets: deps.secrets,
      transportFor,
      // The server took the last copy (whether or not a Sent copy is filed after it): drafts go.
      onAccepted: (item) => {
        if (!opened?.list().some((i) => i.messageId === item.messageId)) deps.events?.emit({ type: 'message.accepted', accountId: item.accountId, messageId: item.messageId, at: Date.now() });
      },
      onMessageDone: async ({ accountId, messageId, after }) => {
        if (after.sentCopy) await deps.mail.appendToSent(accountId, after.sentCopy);
        if (after.replyTo) await deps.mail.markAnswered(after.replyTo.mailbox, after.replyTo.uid);
        deps.events?.emit({ type: 'message.delivered', accountId, messageId, at: Date.now() });
      },
    });
    opened = outbox;
    let service: SendService | null = null;
    const gate = new SendGate({
      policy: deps.policy,
      keys: {
        recipientKey: (address) => service!.recipientKey(address),
        selfKeys: (address) => service!.selfKeys(address),
        signingKey: () => service!.signingKey(),
      },
      // Replaced per submission by the outbox of that account (see submit).
      transport: { send: async () => Promise.reject(new ServiceError('INTERNAL', 'No transport chosen.')) },
      events: deps.events,
    });
    service = new SendService(deps, gate, outbox);
    return service;
  }

  /** The addresses the person can send as: each account with a sending address. */
  async identities(): Promise<{ accountId: string; address: string; name: string }[]> {
    const out: { accountId: string; address: string; name: string }[] = [];
    for (const account of this.deps.mail.listAccounts()) {
      const sending = await this.deps.mail.sendingAccount(account.id).catch(() => null);
      if (sending) out.push({ accountId: account.id, address: sending.address, name: sending.name });
    }
    return out;
  }

  async evaluate(input: ParsedOutgoing): Promise<{ decision: DecisionView; token: string }> {
    const { message, context } = await this.toMessage(input);
    const { decision, token } = await this.gate.evaluate(message, context);
    return { decision, token };
  }

  async submit(input: ParsedOutgoing, approval: { token: string; justification?: string; mobileNumber?: string }): Promise<{ queued: number }> {
    const { message, context } = await this.toMessage(input);
    const envelopes: Envelope[] = [];
    const { decision } = await this.gate.submit(message, approval, context, { send: async (envelope) => void envelopes.push(envelope) });
    await this.outbox.enqueue(input.accountId, message.messageId, envelopes, {
      ...((await this.sentCopy(message, decision.route === 'plain')) ?? {}),
      ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    });
    return { queued: envelopes.length };
  }

  outboxItems(): Pick<OutboxItem, 'id' | 'messageId' | 'route' | 'to' | 'state' | 'attempts' | 'lastError'>[] {
    return this.outbox.list().map(({ id, messageId, route, to, state, attempts, lastError }) => ({ id, messageId, route, to, state, attempts, ...(lastError ? { lastError } : {}) }));
  }

  close(): void {
    this.outbox.stop();
  }

  private async toMessage(input: ParsedOutgoing): Promise<{ message: OutgoingMessage; context: { inReplyToSecure: boolean } }> {
    const from = await this.deps.mail.sendingAccount(input.accountId);
    const gatewayHeader = this.deps.policy.state().effective?.policy.gateway.header.name ?? 'X-Sinetti-Secure';
    const original = input.replyTo ? await this.deps.mail.replyContext(input.replyTo.mailbox, input.replyTo.uid, gatewayHeader) : null;
    const message: OutgoingMessage = {
      from: { name: from.name, address: from.address },
      to: input.to.map((address) => ({ address: address.toLowerCase() })),
      cc: input.cc.map((address) => ({ address: address.toLowerCase() })),
      subject: input.subject,
      text: input.text,
      attachments: input.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
      messageId: input.messageId,
      date: new Date(),
      ...(original?.messageId ? { inReplyTo: original.messageId, references: [original.messageId] } : {}),
    };
    return { message, context: { inReplyToSecure: original?.secure === true } };
  }

  /**
   * The copy for the Sent folder: encrypted to the sender's own keys (never readable text on the
   * server), or as it was when the whole message went out as plain mail and there is no own key.
   * Without either, no copy is filed: a readable copy of protected mail on the server is worse.
   */
  private async sentCopy(message: OutgoingMessage, plainMessage: boolean): Promise<{ sentCopy: Buffer } | null> {
    const self = await this.selfKeys(message.from.address);
    if (self.length) {
      const signingKey = await this.signingKey().catch(() => null);
      if (signingKey) return { sentCopy: await buildPgpMimeMessage(message, { encryptionKeys: self, signingKey }) };
    }
    return plainMessage ? { sentCopy: await buildPlainMessage(message) } : null;
  }

  /** An accepted, usable key carrying the address (own, team or a correspondent's), or null. */
  private async recipientKey(address: string): Promise<Key | null> {
    for (const key of await this.deps.keyProvider.verificationKeys()) {
      if (!key.getUserIDs().some((id) => emailOf(id) === address.toLowerCase())) continue;
      const acceptance = await this.deps.keyProvider.acceptanceOf(key.getFingerprint().toUpperCase());
      if (!acceptance || acceptance === 'rejected' || acceptance === 'undecided') continue;
      if (await assertUsable(key).then(() => true, () => false)) return key;
    }
    return null;
  }

  /** The sender's own public keys (so the Sent copy stays readable to them). */
  private async selfKeys(address: string): Promise<Key[]> {
    const own = await this.deps.keys.list();
    const keys: Key[] = [];
    for (const summary of own) {
      if (summary.revoked || !summary.userIds.some((id) => emailOf(id) === address.toLowerCase())) continue;
      const key = await this.deps.keys.privateKey(summary.fingerprint);
      if (key) keys.push(key.toPublic());
    }
    return keys;
  }

  private async signingKey(): Promise<PrivateKey> {
    const own = (await this.deps.keys.list()).filter((k) => !k.revoked && k.hasSecret);
    if (own.length === 0) throw new ServiceError('VALIDATION', 'Encrypted mail is signed with your own key: create or import one under Keys first.');
    for (const summary of own) {
      const key = await this.deps.keys.privateKey(summary.fingerprint);
      if (key?.isDecrypted()) return key;
    }
    throw new ServiceError('KEY_LOCKED', 'Your key is locked: unlock it with its passphrase under Keys.');
  }
}
