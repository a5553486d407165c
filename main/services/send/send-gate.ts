/**
 * The send gate: the only way a message reaches a mail transport. It evaluates the final message
 * (every attachment in place, before encryption) with the same decision the composer's hints use,
 * and builds exactly what that decision allows — plain, OpenPGP, through the gateway, or split
 * per route — or refuses. The composer's hint is advice; this is the law.
 *
 * Approval is bound to content: `evaluate` returns a token that is an HMAC over the whole message
 * and the decision, under a key that lives only in this process. `submit` recomputes both from
 * the message it is given; a token from another draft, an edited body or recipients changed
 * after approval do not match, and nothing is sent. A token is spent by the send it approved: the
 * same approval cannot send the message a second time (a double click, a replayed call).
 *
 * `message.sent` is a record of something that became true: it is emitted only after the copies
 * were handed over — with the outbox, after all of them were stored durably (awaited). When
 * storing fails, nothing counts as sent and the approval stays unspent, so the person can send
 * the same message again.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import MimeNode from 'nodemailer/lib/mime-node';
import type { Key } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import type { DomainEventBus } from '../events/domain-events.js';
import { requireSigningKey, type IdentityKeys, type KeyIdentity } from '../crypto/identity-keys.js';
import { buildPgpMimeMessage, setEnvelopeHeaders, type OutgoingMessage } from '../crypto/pgp-mime-writer.js';
import type { Decision, DraftForDecision } from '../policy/decide.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { Policy } from '../../../shared/policy-schema.js';
import { htmlHiddenText, htmlToDetectorText } from '../policy/detectors/html-text.js';

/** What leaves: the exact bytes and the SMTP envelope, set explicitly from validated recipients. */
export interface Envelope {
  route: 'plain' | 'openpgp' | 'gateway';
  from: string;
  to: string[];
  raw: Buffer;
}

export interface MailTransport {
  send(envelope: Envelope): Promise<void>;
}

/** Where approved copies go as one batch, stored all or none before the send counts (the outbox). */
export interface ApprovedCopiesStore {
  store(envelopes: Envelope[], decision: Decision): Promise<void>;
}

export interface SendKeys {
  /** The recipient's accepted, usable key, or null. */
  recipientKey(address: string): Promise<Key | null>;
  /**
   * The keys of the identity the message is sent as (crypto/identity-keys.ts, the one place that
   * decides): the key that signs, and the keys that must also read every encrypted copy (the
   * sender's own, the team key when sending as a team) so the copy can be the Sent copy.
   */
  identityKeys(identity: KeyIdentity): Promise<IdentityKeys>;
}

/** What the message is judged and built under, worked out in main (never the renderer's word). */
export interface SendContext {
  /** A reply to or forward of secured mail, or the person asked for a secure route. */
  inReplyToSecure?: boolean;
  /** Who the message is sent as; by default the From address as a personal identity. */
  identity?: KeyIdentity;
}

export interface Approval {
  token: string;
  justification?: string;
  /** The recipient's mobile number for the gateway's SMS PIN, when the policy allows it. */
  mobileNumber?: string;
}

export interface Evaluated {
  decision: Decision;
  token: string;
}

export interface SendGateDeps {
  policy: PolicyService;
  keys: SendKeys;
  transport: MailTransport;
  events?: DomainEventBus;
}

export class SendGate {
  /** Never leaves this process: tokens cannot be made or checked anywhere else. */
  private readonly secret = randomBytes(32);
  /** Approvals that sent their message (or are sending it now). */
  private readonly spent = new Set<string>();

  constructor(private readonly deps: SendGateDeps) {}

  async evaluate(message: OutgoingMessage, context: SendContext = {}): Promise<Evaluated> {
    const decision = await this.decide(message, context);
    return { decision, token: this.token(message, context, decision) };
  }

  /** `destination`: where approved copies go (the outbox, as one stored batch); default the gate's own transport. */
  async submit(
    message: OutgoingMessage,
    approval: Approval,
    context: SendContext = {},
    destination: MailTransport | ApprovedCopiesStore = this.deps.transport,
  ): Promise<{ decision: Decision; sent: { route: Envelope['route']; to: string[] }[] }> {
    const decision = await this.decide(message, context);
    const expected = Buffer.from(this.token(message, context, decision), 'hex');
    const given = Buffer.from(/^[0-9a-f]{64}$/.test(approval.token) ? approval.token : '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ServiceError('SEND_NOT_APPROVED', 'The message or its recipients changed after it was checked: check it again before sending.');
    }
    if (decision.route === 'blocked') throw new ServiceError('SEND_BLOCKED', 'The sending rules do not allow this message to leave.');
    const policy = this.deps.policy.state().effective!.policy;
    if (decision.justificationRequired && (approval.justification ?? '').trim().length < policy.justification.minLength) {
      throw new ServiceError('JUSTIFICATION_REQUIRED', `A written reason of at least ${policy.justification.minLength} characters is required.`);
    }
    const usesGateway = decision.recipients.some((r) => r.route === 'gateway');
    if (approval.mobileNumber !== undefined && !/^\+?[0-9 ]{7,20}$/.test(approval.mobileNumber))
      throw new ServiceError('VALIDATION', 'The mobile number is not valid.');
    if (usesGateway && policy.gateway.mobileNumber === 'required' && !approval.mobileNumber)
      throw new ServiceError('VALIDATION', "The policy requires the recipient's mobile number for the secure-mail gateway.");

    // Checked and taken in one synchronous step, so two concurrent submits cannot both pass.
    if (this.spent.has(approval.token))
      throw new ServiceError('SEND_NOT_APPROVED', 'This approval has already sent the message: check the message again to send it anew.');
    this.spent.add(approval.token);
    const sent: { route: Envelope['route']; to: string[] }[] = [];
    try {
      const envelopes = await this.build(message, decision, policy, approval, context.identity ?? { address: message.from.address, kind: 'personal' });
      if ('store' in destination) {
        await destination.store(envelopes, decision);
        sent.push(...envelopes.map((envelope) => ({ route: envelope.route, to: envelope.to })));
      } else {
        for (const envelope of envelopes) {
          await destination.send(envelope);
          sent.push({ route: envelope.route, to: envelope.to });
        }
      }
    } catch (error) {
      // Nothing reached the transport (or nothing was stored): the person may try again with the same approval.
      if (sent.length === 0) this.spent.delete(approval.token);
      throw error;
    }
    this.deps.events?.emit({
      type: 'message.sent',
      messageId: message.messageId,
      routes: sent.map((s) => s.route),
      recipients: sent.flatMap((s) => s.to).length,
      // The reason is what the audit trail must keep: why client data left as plain mail.
      justification: decision.justificationRequired ? approval.justification!.trim() : undefined,
      at: Date.now(),
    });
    return { decision, sent };
  }

  private async decide(message: OutgoingMessage, context: SendContext): Promise<Decision> {
    const draft: DraftForDecision = {
      subject: message.subject,
      bodyTexts: [message.text, ...(message.html ? [htmlToDetectorText(message.html), htmlHiddenText(message.html)] : [])],
      attachments: (message.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      recipients: [...message.to, ...(message.cc ?? [])].map((a) => a.address.toLowerCase()),
      inReplyToSecure: context.inReplyToSecure === true,
    };
    return this.deps.policy.evaluate(draft, async (address) => (await this.deps.keys.recipientKey(address)) !== null);
  }

  /** HMAC over a digest of everything that reaches the recipient, plus the decision it was approved under. */
  private token(message: OutgoingMessage, context: SendContext, decision: Decision): string {
    const content = createHash('sha256');
    const field = (value: string | Uint8Array) => {
      const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
      content.update(`${bytes.length}:`).update(bytes);
    };
    for (const value of [
      message.messageId,
      message.from.address,
      message.sender?.address ?? '',
      message.subject,
      message.text,
      message.html ?? '',
      message.inReplyTo ?? '',
      String(context.inReplyToSecure === true),
      context.identity?.kind ?? 'personal',
    ])
      field(value);
    for (const a of [...message.to, ...(message.cc ?? [])]) field(a.address.toLowerCase());
    field(String(message.to.length));
    for (const a of message.attachments ?? []) {
      field(a.filename);
      field(a.contentType);
      field(a.content);
    }
    const summary = JSON.stringify({
      route: decision.route,
      justify: decision.justificationRequired,
      recipients: decision.recipients.map((r) => [r.address, r.route]),
    });
    return createHmac('sha256', this.secret).update(content.digest()).update(summary).digest('hex');
  }

  private async build(message: OutgoingMessage, decision: Decision, policy: Policy, approval: Approval, identity: KeyIdentity): Promise<Envelope[]> {
    const byRoute = (route: Envelope['route']) => decision.recipients.filter((r) => r.route === route).map((r) => r.address);
    const envelopes: Envelope[] = [];
    const plain = byRoute('plain');
    if (plain.length)
      envelopes.push({
        route: 'plain',
        from: message.from.address,
        to: plain,
        raw: await buildPlainMessage(message, approval.justification ? { 'X-Sinetti-Justified': 'yes' } : {}),
      });

    const encrypted = byRoute('openpgp');
    if (encrypted.length) {
      const recipientKeys: Key[] = [];
      for (const address of encrypted) {
        const key = await this.deps.keys.recipientKey(address);
        // The decision said there is a key; if it vanished since, refuse rather than send otherwise.
        if (!key) throw new ServiceError('SEND_BLOCKED', `No usable key for ${address} any more: check the message again.`);
        recipientKeys.push(key);
      }
      // Signed as the identity it is sent from (a team's key for a team), so the signature carries the From address.
      const own = await this.deps.keys.identityKeys(identity);
      const raw = await buildPgpMimeMessage(message, { encryptionKeys: [...recipientKeys, ...own.encryptToSelf], signingKey: requireSigningKey(own) });
      envelopes.push({ route: 'openpgp', from: message.from.address, to: encrypted, raw });
    }

    const gateway = byRoute('gateway');
    if (gateway.length) {
      const g = policy.gateway;
      const headers: Record<string, string> = {};
      if (g.method === 'header') headers[g.header.name] = g.header.value;
      if (approval.mobileNumber && g.mobileNumber !== 'off') headers[g.mobileHeader] = approval.mobileNumber.replace(/\s+/g, '');
      // Suffix routing rewrites the recipient addresses the gateway sees (name@example.fi.s).
      const route = (address: string) => (g.method === 'suffix' ? `${address}${g.suffix}` : address);
      const routed: OutgoingMessage = {
        ...message,
        subject: g.method === 'subject-tag' ? `${g.subjectTag} ${message.subject}` : message.subject,
        to: message.to.map((a) => (gateway.includes(a.address.toLowerCase()) ? { ...a, address: route(a.address) } : a)),
        cc: (message.cc ?? []).map((a) => (gateway.includes(a.address.toLowerCase()) ? { ...a, address: route(a.address) } : a)),
      };
      envelopes.push({ route: 'gateway', from: message.from.address, to: gateway.map(route), raw: await buildPlainMessage(routed, headers) });
    }
    return envelopes;
  }
}

/** A plain MIME message with the same headers and parts as the encrypted one would carry inside. */
export async function buildPlainMessage(message: OutgoingMessage, extraHeaders: Record<string, string> = {}): Promise<Buffer> {
  const root = new MimeNode(message.attachments?.length ? 'multipart/mixed' : message.html ? 'multipart/alternative' : 'text/plain; charset=utf-8', {
    baseBoundary: randomBytes(12).toString('hex'),
    newline: '\r\n',
  });
  setEnvelopeHeaders(root, message, message.subject);
  for (const [name, value] of Object.entries(extraHeaders)) root.setHeader(name, value);
  const body = message.attachments?.length ? (message.html ? root.createChild('multipart/alternative') : root) : root;
  if (!message.attachments?.length && !message.html) {
    root.setContent(message.text);
  } else if (message.html) {
    body.createChild('text/plain; charset=utf-8').setContent(message.text);
    body.createChild('text/html; charset=utf-8').setContent(message.html);
  } else {
    root.createChild('text/plain; charset=utf-8').setContent(message.text);
  }
  for (const attachment of message.attachments ?? [])
    root.createChild(attachment.contentType, { filename: attachment.filename }).setHeader('Content-Disposition', 'attachment').setContent(attachment.content);
  return root.build();
}
