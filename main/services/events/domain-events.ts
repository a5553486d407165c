/**
 * The internal event channel: what happened, to which message, for coordination between services
 * (a draft goes when its message was accepted). Services emit without knowing who listens. Events
 * carry identifiers only, never message content.
 *
 * This is not the audit trail: an event is a notification after the fact, with no actor, and a
 * listener's failure never turns the emitter's finished action into an error (it is caught and
 * reported to `onListenerError`). The audit record is written, awaited, at each action's durable
 * point (main/services/audit/).
 */
export type DomainEvent =
  | { type: 'account.added'; accountId: string; at: number }
  | { type: 'account.removed'; accountId: string; at: number }
  /** Settings or credentials of an account changed (`credentials`: a new password or sign-in). */
  | { type: 'account.changed'; accountId: string; credentials: boolean; at: number }
  | { type: 'message.opened'; accountId: string; mailbox: string; uid: number; at: number }
  | { type: 'attachment.fetched'; accountId: string; mailbox: string; uid: number; partId: string; at: number }
  | { type: 'message.flags-changed'; accountId: string; mailbox: string; uids: number[]; at: number }
  | { type: 'message.moved'; accountId: string; mailbox: string; uids: number[]; destination: string; at: number }
  | { type: 'message.deleted'; accountId: string; mailbox: string; uids: number[]; at: number }
  | { type: 'openpgp.key.generated' | 'openpgp.key.imported' | 'openpgp.key.unlocked' | 'openpgp.key.revoked'; fingerprint: string; at: number }
  | { type: 'message.decrypted'; accountId: string; mailbox: string; uid: number; at: number }
  /** Passed the send gate and handed to the transport; the justification when the policy demanded one. */
  | { type: 'message.sent'; messageId: string; routes: ('plain' | 'openpgp' | 'gateway')[]; recipients: number; justification?: string; at: number }
  /** Every copy of the message was accepted by the mail server. */
  | { type: 'message.delivered'; accountId: string; messageId: string; at: number }
  // Team keys (fingerprints and the team's namespace name only).
  | { type: 'openpgp.team.created'; team: string; fingerprint: string; generation: number; at: number }
  | { type: 'openpgp.team.granted'; team: string; fingerprint: string; memberFingerprint: string; generation: number; at: number }
  | {
      type: 'openpgp.team.rotated';
      team: string;
      fingerprint: string;
      previousFingerprint: string;
      removedMemberFingerprint: string;
      generation: number;
      at: number;
    }
  | { type: 'openpgp.team.imported'; team: string; fingerprint: string; leadFingerprint: string; generation: number; at: number }
  /** Correspondents' public keyring: a key came in (from where, in which state), the person decided, or removed it. */
  | {
      type: 'openpgp.correspondent.imported';
      fingerprint: string;
      source: 'file' | 'autocrypt' | 'attachment' | 'wkd' | 'vks';
      state: 'undecided' | 'unverified';
      at: number;
    }
  | { type: 'openpgp.correspondent.accepted'; fingerprint: string; state: 'unverified' | 'verified'; at: number }
  | { type: 'openpgp.correspondent.rejected' | 'openpgp.correspondent.removed'; fingerprint: string; at: number }
  /** A key already held came in again and was merged (new signatures, e.g. a revocation); its decision stays. */
  | { type: 'openpgp.correspondent.updated'; fingerprint: string; source: 'file' | 'autocrypt' | 'attachment' | 'wkd' | 'vks'; at: number }
  /** Composer (issue 5): a queued message forwards a stored one (inline, or its bytes attached), or is sent as a team mailbox. */
  | { type: 'message.forwarded'; accountId: string; mailbox: string; uid: number; messageId: string; mode: 'inline' | 'attachment'; at: number }
  | { type: 'message.sent-as-team'; accountId: string; teamMailbox: string; messageId: string; senderRecorded: boolean; at: number }
  /** The mail server accepted the last copy of the message (the draft it was written in can go). */
  | { type: 'message.accepted'; accountId: string; messageId: string; at: number }
  /** Drafts: saved locally (and to the server's Drafts folder, encrypted, when `server`), reopened, removed. */
  | { type: 'draft.saved'; draftId: string; accountId: string; server: boolean; at: number }
  | { type: 'draft.opened'; draftId: string; at: number }
  | { type: 'draft.discarded'; draftId: string; reason: 'discarded' | 'sent'; at: number };

export interface DomainEventSource {
  subscribe(listener: (event: DomainEvent) => void): () => void;
}

export class DomainEventBus implements DomainEventSource {
  private readonly listeners = new Set<(event: DomainEvent) => void>();

  /** Where a failing listener is reported (ids only); the emitter never sees it. */
  constructor(private readonly onListenerError: (event: DomainEvent['type'], error: unknown) => void = () => undefined) {}

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        const result = listener(event) as unknown;
        // A listener that returns a promise (an async handler) fails later: caught the same way.
        if (result instanceof Promise) result.catch((error: unknown) => this.onListenerError(event.type, error));
      } catch (error) {
        this.onListenerError(event.type, error);
      }
    }
  }
}
