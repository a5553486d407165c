/**
 * The decision: for a finished draft and its recipients, how it may leave — as it is, with a
 * written reason, by OpenPGP, through the secure-mail gateway, or not at all — and why. Pure:
 * the same draft, recipients, keys and policy always give the same decision, so the composer's
 * hint and the send gate cannot disagree about the rules, only about the draft they saw.
 *
 * Rules: the strictest applicable action wins; a recipient whose own action is looser than the
 * message needs is upgraded, never the other way round; when recipients still need different
 * routes the message is split (one copy per route), and if any recipient cannot be reached safely
 * the whole message is refused. Anything found in a subject that travels visibly is refused:
 * subjects leak through gateways, notifications and server logs even when the body is encrypted.
 * Sinetti's OpenPGP route protects the subject (RFC 9788: the real subject inside the encryption,
 * "..." outside), so when every copy goes by OpenPGP a sensitive subject is no reason to refuse.
 */
import { ACTIONS, CONFIDENCES, type Action, type Policy } from '../../../shared/policy-schema.js';
import { extractAttachmentText, INCOMPLETE_SCAN_REASONS, type AttachmentInput, type NotScannedReason } from './detectors/attachment-text.js';
import { scanText, type TextDetectors, type TextFinding } from './detectors/scan-text.js';
import { isSignatureImage } from './detectors/signature-image.js';

export type RecipientClass = 'internal' | 'partner' | 'external';
export type Route = 'plain' | 'openpgp' | 'gateway' | 'blocked';

export interface DraftForDecision {
  subject: string;
  /** Every body part as text (HTML already converted). */
  bodyTexts: string[];
  attachments: AttachmentInput[];
  recipients: string[];
  /** The draft replies to or forwards a message that arrived encrypted or through the gateway. */
  inReplyToSecure?: boolean;
}

export interface Finding extends TextFinding {
  where: { part: 'subject' } | { part: 'body'; index: number } | { part: 'attachment'; filename: string };
}

export interface RecipientDecision {
  address: string;
  class: RecipientClass;
  hasKey: boolean;
  /** The policy's action for this recipient before the message-wide rules. */
  action: Action;
  route: Route;
  /** Why this route: a code the UI explains in the person's language. */
  reason: 'allowed' | 'justified' | 'has-key' | 'no-key-gateway' | 'no-key' | 'no-gateway' | 'policy-block' | 'upgraded' | 'secure-reply';
}

export type BlockReason =
  | { code: 'subject-finding'; findings: Finding[] }
  | { code: 'recipient-unreachable'; addresses: string[] }
  | { code: 'attachment-too-large'; filenames: string[]; maxSizeMb: number }
  | { code: 'no-recipients' };

export interface Decision {
  /** `split`: recipients need different routes; one copy per route. */
  route: 'plain' | 'openpgp' | 'gateway' | 'split' | 'blocked';
  sensitive: boolean;
  justificationRequired: boolean;
  findings: Finding[];
  notScanned: { filename: string; reason: NotScannedReason }[];
  recipients: RecipientDecision[];
  blocked: BlockReason[];
}

export interface DecisionContext {
  policy: Policy;
  detectors: TextDetectors;
  /** Whether the recipient has an accepted, usable OpenPGP key (the correspondent keyring decides). */
  hasAcceptedKey: (address: string) => Promise<boolean>;
}

const strictest = (a: Action, b: Action): Action => (ACTIONS.indexOf(a) >= ACTIONS.indexOf(b) ? a : b);

/**
 * Which class a recipient is in. A local part with '%' or '!' is never internal or partner: it is
 * the old source-routing syntax (`x%evil.example@kunta.fi`, `evil.example!x@kunta.fi`), and a
 * relay that still honours it forwards the mail to the other host, so the domain after '@' does
 * not say where the mail ends up.
 */
export function classify(address: string, policy: Policy): RecipientClass {
  const at = address.lastIndexOf('@');
  if (/[%!]/.test(address.slice(0, Math.max(at, 0)))) return 'external';
  const domain = address.slice(at + 1).toLowerCase();
  const within = (list: string[]) => list.some((d) => domain === d || domain.endsWith(`.${d}`));
  if (within(policy.domains.internal)) return 'internal';
  if (within(policy.domains.partner)) return 'partner';
  return 'external';
}

/**
 * What a message holds, as far as the recipient actions care. `not-fully-scanned`: a file over a
 * reading limit (a bomb, a damaged file, one too deep or too slow) — content may hide there.
 */
export type ContentKind = 'sensitive' | 'not-fully-scanned' | 'not-scanned' | 'ordinary';
export const CONTENT_KINDS: readonly ContentKind[] = ['sensitive', 'not-fully-scanned', 'not-scanned', 'ordinary'];

/** Does a message with this content count as sensitive for a recipient of this class? */
export function sensitiveFor(policy: Policy, cls: RecipientClass, content: ContentKind): boolean {
  if (content === 'sensitive') return true;
  if (content === 'ordinary') return false;
  // Not fully read never leaves plain to the outside, whatever the policy says about kinds of
  // files it cannot read (images, archives).
  if (content === 'not-fully-scanned' && cls !== 'internal') return true;
  return policy.attachments.notScanned === 'sensitive' || (policy.attachments.notScanned === 'sensitive-outside' && cls !== 'internal');
}

/** The policy's action for a recipient of this class and this content (before the message-wide rules). */
export function classAction(policy: Policy, cls: RecipientClass, content: ContentKind): Action {
  return policy.actions[sensitiveFor(policy, cls, content) ? 'sensitive' : 'notSensitive'][cls];
}

/** Findings the policy counts: detector on, confidence at or above its threshold, category in use. */
function counts(finding: TextFinding, policy: Policy): boolean {
  const setting = {
    'identity-code': policy.detectors.identityCode,
    'business-id': policy.detectors.businessId,
    iban: policy.detectors.iban,
    'icd-10': policy.detectors.icd10,
    'sensitive-term': policy.detectors.sensitiveTerms,
  }[finding.detector];
  if (!setting.enabled || CONFIDENCES.indexOf(finding.confidence) < CONFIDENCES.indexOf(setting.minConfidence)) return false;
  if (finding.detector === 'sensitive-term') {
    const category = finding.label.slice(0, finding.label.indexOf('/'));
    return policy.detectors.sensitiveTerms.categories.includes(category) || policy.vocabularies.add.some((c) => c.id === category);
  }
  return true;
}

export async function decide(draft: DraftForDecision, context: DecisionContext): Promise<Decision> {
  const { policy, detectors } = context;
  const findings: Finding[] = [];
  const notScanned: Decision['notScanned'] = [];
  const blocked: BlockReason[] = [];

  const subjectFindings = scanText(draft.subject, detectors)
    .filter((f) => counts(f, policy))
    .map((f): Finding => ({ ...f, where: { part: 'subject' } }));
  findings.push(...subjectFindings);
  draft.bodyTexts.forEach((text, index) =>
    findings.push(
      ...scanText(text, detectors)
        .filter((f) => counts(f, policy))
        .map((f): Finding => ({ ...f, where: { part: 'body', index } })),
    ),
  );
  const tooLarge: string[] = [];
  for (const attachment of draft.attachments) {
    if (attachment.content.length > policy.attachments.maxSizeMb * 1024 * 1024) tooLarge.push(attachment.filename);
    // The file's name travels with it and shows in every mail client ("Lausunto_131052-308T.pdf"):
    // it is read like text, whatever the file itself holds. Document-type words alone ("muistio",
    // "hakemus") name ordinary office files too, so in a name they do not count without context.
    findings.push(
      ...scanText(attachment.filename, detectors)
        .filter((f) => counts(f, policy) && !(f.detector === 'sensitive-term' && f.label.startsWith('document-type/')))
        .map((f): Finding => ({ ...f, where: { part: 'attachment', filename: attachment.filename } })),
    );
    // A logo in the signature is part of the body's look, not a document (signature-image.ts).
    if (isSignatureImage(attachment)) continue;
    const extracted = await extractAttachmentText(attachment);
    if (extracted.status === 'not-scanned') {
      notScanned.push({ filename: attachment.filename, reason: extracted.reason });
      continue;
    }
    findings.push(
      ...scanText(extracted.text, detectors)
        .filter((f) => counts(f, policy))
        .map((f): Finding => ({ ...f, where: { part: 'attachment', filename: attachment.filename } })),
    );
  }

  if (tooLarge.length) blocked.push({ code: 'attachment-too-large', filenames: tooLarge, maxSizeMb: policy.attachments.maxSizeMb });
  if (draft.recipients.length === 0) blocked.push({ code: 'no-recipients' });

  const incomplete = notScanned.some((n) => INCOMPLETE_SCAN_REASONS.has(n.reason));
  const content: ContentKind = findings.length > 0 ? 'sensitive' : incomplete ? 'not-fully-scanned' : notScanned.length > 0 ? 'not-scanned' : 'ordinary';

  const recipients: RecipientDecision[] = [];
  for (const address of draft.recipients) {
    const cls = classify(address, policy);
    let action = classAction(policy, cls, content);
    // A secure conversation stays secure: never plain, whatever the content of this reply.
    const secureReply = draft.inReplyToSecure === true && ACTIONS.indexOf(action) < ACTIONS.indexOf('gateway');
    if (secureReply) action = strictest(action, 'gateway');
    const hasKey = await context.hasAcceptedKey(address);
    recipients.push({ address, class: cls, hasKey, action, ...routeFor(action, hasKey, policy), ...(secureReply ? { reason: 'secure-reply' as const } : {}) });
  }

  // Upgrade plain recipients when the message is going protected anyway (never downgrade others).
  if (recipients.some((r) => r.route === 'openpgp' || r.route === 'gateway')) {
    for (const r of recipients) {
      if (r.route !== 'plain') continue;
      if (r.hasKey) Object.assign(r, { route: 'openpgp', reason: 'upgraded' });
      else if (policy.gateway.enabled) Object.assign(r, { route: 'gateway', reason: 'upgraded' });
    }
  }
  // The subject is protected only when every copy leaves by OpenPGP (the gateway and plain mail
  // carry it visibly); without recipients there is no route to protect it either.
  const subjectProtected = recipients.length > 0 && recipients.every((r) => r.route === 'openpgp');
  if (subjectFindings.length && !subjectProtected) blocked.unshift({ code: 'subject-finding', findings: subjectFindings });
  const unreachable = recipients.filter((r) => r.route === 'blocked').map((r) => r.address);
  if (unreachable.length) blocked.push({ code: 'recipient-unreachable', addresses: unreachable });

  const routes = new Set(recipients.map((r) => r.route));
  const route: Decision['route'] = blocked.length ? 'blocked' : routes.size === 1 ? [...routes][0]! : 'split';
  return {
    route,
    sensitive: draft.recipients.some((a) => sensitiveFor(policy, classify(a, policy), content)),
    justificationRequired: recipients.some((r) => r.route === 'plain' && r.action === 'justify'),
    findings,
    notScanned,
    recipients,
    blocked,
  };
}

function routeFor(action: Action, hasKey: boolean, policy: Policy): Pick<RecipientDecision, 'route' | 'reason'> {
  switch (action) {
    case 'allow':
      return { route: 'plain', reason: 'allowed' };
    case 'justify':
      return { route: 'plain', reason: 'justified' };
    case 'gateway':
      if (hasKey) return { route: 'openpgp', reason: 'has-key' };
      return policy.gateway.enabled ? { route: 'gateway', reason: 'no-key-gateway' } : { route: 'blocked', reason: 'no-gateway' };
    case 'encrypt':
      return hasKey ? { route: 'openpgp', reason: 'has-key' } : { route: 'blocked', reason: 'no-key' };
    case 'block':
      return { route: 'blocked', reason: 'policy-block' };
  }
}
