/**
 * Domain events: what happened, by whom, to which message. The audit trail (a later issue)
 * subscribes here; services emit without knowing who listens. Events carry identifiers only,
 * never message content.
 */
export type DomainEvent =
  | { type: 'account.added'; accountId: string; at: number }
  | { type: 'account.removed'; accountId: string; at: number }
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

  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: DomainEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
