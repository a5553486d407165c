/**
 * Trust boundary: where the contract's actions are recorded, awaited, at their durable point.
 * Each wrapped channel runs its service first and records what became true before the response
 * leaves:
 * - reading (a message opened or decrypted, an attachment fetched to be saved): recorded before the
 *   content is returned; when the record cannot be written the content is withheld and the
 *   person gets AUDIT_UNAVAILABLE;
 * - a send: recorded once the outbox stored every copy (the gate's durable point); a refusal
 *   (blocked, a reason missing) is recorded as refused;
 * - keys, grants, drafts saved to the server, policy changes, lock/unlock, moves and deletes:
 *   recorded after the service finished. These are done when the record is written: a failure to
 *   record is logged and raised as AUDIT_UNAVAILABLE, and the done action is not undone.
 * Records hold identifiers, counts and domains only; identity codes and addresses are hashed by
 * the audit service.
 */
import type { ServiceHandlers } from '../../../shared/contract.js';
import type { RequestChannel } from '../../../shared/channels.js';
import { ServiceError } from '../../../shared/result.js';
import type { AuditEntry } from './audit-record.js';
import type { AuditService } from './audit-service.js';
import { identityCodesIn, maskIdentityCodes } from './pseudonyms.js';

type Handler<C extends RequestChannel> = ServiceHandlers[C];

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
const REFUSALS = new Set(['SEND_BLOCKED', 'JUSTIFICATION_REQUIRED', 'SEND_NOT_APPROVED']);

export function auditHandlers(handlers: ServiceHandlers, audit: AuditService): ServiceHandlers {
  const wrap = <C extends RequestChannel>(
    channel: C,
    after: (request: Parameters<Handler<C>>[0], response: Awaited<ReturnType<Handler<C>>>) => AuditEntry | null,
    onError?: (request: Parameters<Handler<C>>[0], error: unknown) => AuditEntry | null,
  ) => {
    const inner = handlers[channel] as (request: unknown) => Promise<unknown>;
    (handlers as Record<string, (request: unknown) => Promise<unknown>>)[channel] = async (request: unknown) => {
      let response: unknown;
      try {
        response = await inner(request);
      } catch (error) {
        const entry = onError?.(request as never, error);
        if (entry) await audit.record(entry);
        throw error;
      }
      const entry = after(request as never, response as never);
      if (entry) await audit.record(entry);
      return response;
    };
  };

  // Reading: the record is written before the content leaves main.
  wrap('mail:message:open', ({ mailbox }, view) => ({
    action: view.crypto?.decryption === 'decrypted' ? 'message.decrypted' : 'message.opened',
    outcome: 'ok',
    accountId: mailbox.accountId,
    mailbox: mailbox.path,
    uid: view.uid,
    details: { encrypted: view.encrypted },
    identityCodes: identityCodesIn(
      [view.subject, view.text, ...(view.segments ?? []).map((s) => s.text)],
      [view.html, ...(view.segments ?? []).map((s) => s.html)],
    ),
    addresses: [view.from, ...view.to, ...view.cc].map((a) => a.address).filter((a): a is string => !!a),
  }));
  wrap('mail:attachment:get', ({ mailbox, uid, partId }, content) => ({
    action: 'attachment.saved',
    outcome: 'ok',
    accountId: mailbox.accountId,
    mailbox: mailbox.path,
    uid,
    details: { part: partId, bytes: Math.floor((content.contentBase64.length * 3) / 4) },
  }));

  // Sending: after the outbox stored every copy; refusals as refused.
  const sendEntry = (
    message: Parameters<Handler<'send:submit'>>[0]['message'],
    approval: Parameters<Handler<'send:submit'>>[0]['approval'],
  ): Omit<AuditEntry, 'action' | 'outcome'> => {
    const recipients = [...message.to, ...(message.cc ?? [])];
    const justification = approval.justification?.trim();
    return {
      accountId: message.accountId,
      ...(message.teamMailbox ? { mailbox: message.teamMailbox } : {}),
      details: {
        recipients: recipients.length,
        domains: [...new Set(recipients.map(domainOf))].sort(),
        attachments: message.attachments.length,
        ...(justification ? { justification: maskIdentityCodes(justification) } : {}),
      },
      identityCodes: identityCodesIn([message.subject, message.text, justification]),
      addresses: recipients,
    };
  };
  wrap(
    'send:submit',
    ({ message, approval }, response) => {
      const entry = sendEntry(message, approval);
      return {
        ...entry,
        action: approval.justification?.trim() ? 'send.justified' : 'send.stored',
        outcome: 'ok',
        messageId: response.messageId,
        details: { ...entry.details, copies: response.queued },
      };
    },
    ({ message, approval }, error) =>
      error instanceof ServiceError && REFUSALS.has(error.code)
        ? {
            ...sendEntry(message, approval),
            action: 'send.blocked',
            outcome: 'refused',
            details: { ...sendEntry(message, approval).details, code: error.code },
          }
        : null,
  );

  wrap('drafts:save', ({ draft }, result) =>
    result.server === 'saved' ? { action: 'draft.saved', outcome: 'ok', accountId: draft.accountId, details: { draftId: result.draftId, server: true } } : null,
  );

  // Keys and grants (fingerprints only).
  wrap('crypto:keys:generate', (_request, key) => ({ action: 'key.created', outcome: 'ok', details: { fingerprint: key.fingerprint } }));
  wrap('crypto:keys:import', (_request, key) => ({ action: 'key.imported', outcome: 'ok', details: { fingerprint: key.fingerprint } }));
  wrap('crypto:keys:revoke', ({ fingerprint, reason }) => ({ action: 'key.revoked', outcome: 'ok', details: { fingerprint, reason } }));
  wrap('crypto:keys:unlock', ({ fingerprint }) => ({ action: 'keys.unlocked', outcome: 'ok', details: { fingerprint } }));
  wrap('crypto:keys:lock', ({ fingerprint }) => ({ action: 'keys.locked', outcome: 'ok', details: { fingerprint: fingerprint ?? 'all' } }));
  wrap('crypto:team:create', ({ accountId, team }) => ({ action: 'team-key.created', outcome: 'ok', accountId, mailbox: team }));
  wrap('crypto:team:grant', ({ accountId, team }, granted) => ({
    action: 'team-key.granted',
    outcome: 'ok',
    accountId,
    mailbox: team,
    details: { member: granted.member.fingerprint },
  }));
  wrap('crypto:team:remove-member', ({ accountId, team, memberFingerprint }) => ({
    action: 'team-key.rotated',
    outcome: 'ok',
    accountId,
    mailbox: team,
    details: { removed: memberFingerprint },
  }));
  wrap('crypto:team:grants:import', () => ({ action: 'team-key.imported', outcome: 'ok' }));
  wrap('crypto:contacts:accept', ({ fingerprint, state }) => ({ action: 'correspondent-key.changed', outcome: 'ok', details: { fingerprint, state } }));
  wrap('crypto:contacts:remove', ({ fingerprint }) => ({ action: 'correspondent-key.changed', outcome: 'ok', details: { fingerprint, state: 'removed' } }));

  // Policy and accounts.
  wrap('policy:preferences:set', () => ({ action: 'policy.changed', outcome: 'ok', details: { layer: 'user' } }));
  wrap('policy:reload', (_request, state) => ({ action: 'policy.changed', outcome: 'ok', details: { layer: 'managed', status: state.managed.status } }));
  wrap('accounts:add', (_request, account) => ({ action: 'account.added', outcome: 'ok', accountId: account.id }));
  const remove = handlers['accounts:remove'];
  handlers['accounts:remove'] = async (request) => {
    // Who it was is read before the account is gone.
    const person = audit.person(request.accountId);
    const response = await remove(request);
    await audit.record({ action: 'account.removed', outcome: 'ok', accountId: request.accountId, person });
    return response;
  };

  // Message handling.
  wrap('mail:message:move', ({ mailbox, uids, destination }) => ({
    action: 'message.moved',
    outcome: 'ok',
    accountId: mailbox.accountId,
    mailbox: mailbox.path,
    details: { uids: uids.slice(0, 100).map(String), destination },
  }));
  wrap('mail:message:delete', ({ mailbox, uids }) => ({
    action: 'message.deleted',
    outcome: 'ok',
    accountId: mailbox.accountId,
    mailbox: mailbox.path,
    details: { uids: uids.slice(0, 100).map(String) },
  }));
  // A reported false positive: identifiers only (what fired, how sure, where), for IT to tune the rules.
  wrap('policy:false-positive:report', ({ findings }) => ({
    action: 'policy.false-positive',
    outcome: 'ok',
    details: { findings: findings.slice(0, 50).map((f) => `${f.detector}:${f.label}:${f.confidence}:${f.part}`) },
  }));
  // Team handling: who claimed, released, took over, reassigned or changed the status of what.
  // A change that lost to another member's is recorded as refused.
  const teamChange =
    (change: string, details: (request: never) => Record<string, string> = () => ({})) =>
    (request: { mailbox: { accountId: string; path: string }; uid: number }, result: { applied: boolean }): AuditEntry => ({
      action: 'claim.changed',
      outcome: result.applied ? 'ok' : 'refused',
      accountId: request.mailbox.accountId,
      mailbox: request.mailbox.path,
      uid: request.uid,
      details: { change, ...details(request as never) },
    });
  wrap('team:item:claim', teamChange('claim'));
  wrap('team:item:release', teamChange('release'));
  wrap(
    'team:item:status',
    teamChange('status', (r: { status: string }) => ({ status: r.status })),
  );
  wrap(
    'team:item:take-over',
    teamChange('takeover', (r: { from: string | null }) => ({ previous: r.from ?? '' })),
  );
  wrap(
    'team:item:reassign',
    teamChange('reassign', (r: { from: string | null; to: string }) => ({ previous: r.from ?? '', to: r.to })),
  );
  wrap('team:handover', ({ accountId, team, from, to }, result) => ({
    action: 'claim.changed',
    outcome: result.failed.length === 0 ? 'ok' : 'refused',
    accountId,
    mailbox: team,
    details: { change: 'handover', previous: from, to: to.join(','), moved: String(result.moved), failed: String(result.failed.length) },
  }));
  return handlers;
}
