/** A small typed fan-out for server-pushed mail events; subscriptions return an unsubscribe function. */
import type { MailEvent } from '../../../shared/domain.js';

export interface MailEventSource {
  subscribe(listener: (event: MailEvent) => void): () => void;
}

export class MailEventHub implements MailEventSource {
  private readonly listeners = new Set<(event: MailEvent) => void>();

  subscribe(listener: (event: MailEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: MailEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing subscriber (a closed window) must not stop delivery to the others.
      }
    }
  }
}
