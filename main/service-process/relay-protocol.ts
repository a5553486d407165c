/**
 * The messages between the Electron main process and the services process (an Electron
 * `utilityProcess`; in tests a `child_process.fork`). Main only checks the sender (ipc-registration)
 * and relays: every request is answered by the services' own dispatcher, so validation, the idle
 * lock's gate and result mapping stay where they are. Plain structured-cloneable objects only.
 */
import type { MailEvent } from '../../shared/domain.js';
import type { Result } from '../../shared/result.js';

/** What the services process needs to build the services (no secrets: the keychain is read there). */
export interface ServiceProcessOptions {
  version: string;
  dataDir: string;
  extraCaPem?: string;
  managedPolicyPath?: string;
  requireProtectedPolicyFile?: boolean;
}

export type ToServices =
  | { kind: 'init'; options: ServiceProcessOptions }
  | { kind: 'request'; id: number; channel: unknown; payload: unknown }
  /** The OS locked the screen (Electron's powerMonitor). */
  | { kind: 'lock'; reason: 'os-lock' }
  | { kind: 'close' };

export type FromServices =
  | { kind: 'ready' }
  | { kind: 'start-failed'; message: string }
  | { kind: 'response'; id: number; result: Result<unknown> }
  | { kind: 'event'; event: MailEvent }
  /** A vetted link to open outside the app: only main has the shell. */
  | { kind: 'open-external'; url: string }
  | { kind: 'closed' };

/** One end of the message channel, whatever carries it (utilityProcess, child_process, parentPort). */
export interface RelayPort<Out, In> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
}

/** The parent's view of the process: its port plus its life. */
export interface ServiceProcessHandle extends RelayPort<ToServices, FromServices> {
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

const FROM_KINDS = new Set(['ready', 'start-failed', 'response', 'event', 'open-external', 'closed']);

/** A message from the services process with the shape its kind promises; anything else is dropped. */
export function isFromServices(value: unknown): value is FromServices {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (typeof message.kind !== 'string' || !FROM_KINDS.has(message.kind)) return false;
  if (message.kind === 'response') return Number.isSafeInteger(message.id) && typeof message.result === 'object' && message.result !== null;
  if (message.kind === 'open-external') return typeof message.url === 'string';
  if (message.kind === 'event') return typeof message.event === 'object' && message.event !== null;
  return true;
}
