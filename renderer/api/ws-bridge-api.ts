/**
 * The contract over the browser host's WebSocket bridge (`/bridge`, same origin; the session
 * cookie rides along with the upgrade). Every request gets a numeric id and resolves with the
 * Result the host sends back under that id. Invariants: a call never rejects and never hangs on a
 * dead socket — when the socket closes, every outstanding call resolves with CONNECTION_LOST;
 * pushed events are validated against the contract before any listener sees them.
 */
import { MAIL_EVENT_CHANNEL, REQUEST_CHANNELS, type RequestChannel } from '../../shared/channels.js';
import type { SinettiApi } from '../../shared/contract.js';
import { mailEventSchema, type MailEvent } from '../../shared/domain.js';
import { fail, type Result } from '../../shared/result.js';

/** The part of the browser WebSocket this bridge uses, so tests can pass a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface WsBridgeOptions {
  connect: () => WebSocketLike;
  /** Reconnect after a close, waiting this long (doubling up to 10 s). Omit to stay closed. */
  reconnectDelayMs?: number;
  setTimer?: (run: () => void, ms: number) => unknown;
}

const OPEN = 1;
const MAX_RECONNECT_DELAY_MS = 10_000;

type Pending = { resolve: (result: Result<unknown>) => void; payload: string };

function connectionLost(): Result<never> {
  return fail('CONNECTION_LOST', 'The connection to the Sinetti host was closed.');
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: { code?: unknown } };
  return v.ok === true || (v.ok === false && typeof v.error === 'object' && v.error !== null && typeof v.error.code === 'string');
}

export function createWsBridgeApi(options: WsBridgeOptions): SinettiApi {
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const pending = new Map<number, Pending>();
  /** Requests made while the socket is still connecting, sent on open. */
  const queued: number[] = [];
  const listeners = new Set<(event: MailEvent) => void>();
  let nextId = 1;
  let socket: WebSocketLike | null = null;
  let reconnectDelay = options.reconnectDelayMs ?? 0;
  let reconnectScheduled = false;

  function open(): void {
    const current = options.connect();
    socket = current;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      reconnectDelay = options.reconnectDelayMs ?? 0;
      for (const id of queued.splice(0)) {
        const entry = pending.get(id);
        if (entry) current.send(entry.payload);
      }
    });
    current.addEventListener('message', (event) => {
      if (socket === current) receive(event.data);
    });
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = null;
      queued.length = 0;
      const lost = [...pending.values()];
      pending.clear();
      for (const entry of lost) entry.resolve(connectionLost());
      scheduleReconnect();
    });
    // 'error' is always followed by 'close', which does the clean-up.
  }

  function scheduleReconnect(): void {
    if (options.reconnectDelayMs === undefined || reconnectScheduled) return;
    reconnectScheduled = true;
    const delay = reconnectDelay;
    reconnectDelay = Math.min(Math.max(reconnectDelay * 2, 1), MAX_RECONNECT_DELAY_MS);
    setTimer(() => {
      reconnectScheduled = false;
      open();
    }, delay);
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: { id?: unknown; result?: unknown; channel?: unknown; event?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (typeof message.id === 'number') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      entry.resolve(isResult(message.result) ? message.result : fail('INTERNAL', 'The host sent a malformed response.'));
      return;
    }
    if (message.channel === MAIL_EVENT_CHANNEL) {
      const parsed = mailEventSchema.safeParse(message.event);
      if (!parsed.success) return;
      for (const listener of [...listeners]) listener(parsed.data);
    }
  }

  function call(channel: RequestChannel, request: unknown): Promise<Result<unknown>> {
    if (!socket) {
      if (options.reconnectDelayMs === undefined) return Promise.resolve(connectionLost());
      // Closed and waiting to reconnect: the call waits for the next socket.
      scheduleReconnect();
    }
    const id = nextId++;
    const payload = JSON.stringify({ id, channel, request: request ?? {} });
    return new Promise((resolve) => {
      pending.set(id, { resolve, payload });
      if (socket && socket.readyState === OPEN) socket.send(payload);
      else queued.push(id);
    });
  }

  open();

  const requests: Record<string, (request: unknown) => Promise<Result<unknown>>> = {};
  for (const channel of REQUEST_CHANNELS) requests[channel] = (request: unknown) => call(channel, request);
  const api = {
    ...(requests as unknown as { [C in RequestChannel]: SinettiApi[C] }),
    onMailEvent(listener: (event: MailEvent) => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  } satisfies SinettiApi;
  return Object.freeze(api);
}
