/**
 * The contract over the browser host's WebSocket bridge (`/bridge`, same origin). Every request
 * gets a numeric id and resolves with the Result the host sends back under that id. Invariants:
 * - the socket's first message authenticates it: the single-use launch token from the launch
 *   URL's fragment, later the single-use resume token the host handed out (kept in memory only,
 *   never in a cookie, storage or URL); no request is sent before the host said `auth: ok`, and
 *   when the host refuses the credential (close 4401) every call resolves with SESSION_ENDED and
 *   the bridge stops reconnecting;
 * - a call never rejects and never hangs on a dead socket — when the socket closes, every
 *   outstanding call resolves with CONNECTION_LOST;
 * - pushed events are validated against the contract before any listener sees them.
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
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'close', listener: (event: { code?: number }) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface WsBridgeOptions {
  connect: () => WebSocketLike;
  /** Reconnect after a close, waiting this long (doubling up to 10 s). Omit to stay closed. */
  reconnectDelayMs?: number;
  setTimer?: (run: () => void, ms: number) => unknown;
  /** The launch token (null: the page was opened without one, e.g. reloaded); see the header. */
  auth?: { launchToken: string | null };
}

const OPEN = 1;
/** The host's close code for a missing, wrong or spent credential. */
export const CLOSE_UNAUTHORIZED = 4401;
const MAX_RECONNECT_DELAY_MS = 10_000;

type Pending = { resolve: (result: Result<unknown>) => void; payload: string };

function connectionLost(): Result<never> {
  return fail('CONNECTION_LOST', 'The connection to the Sinetti host was closed.');
}

function sessionEnded(): Result<never> {
  return fail('SESSION_ENDED', 'This page is no longer connected to Sinetti: open Sinetti again with the address it printed.');
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
  /** The credential for the next socket: the launch token first, then the latest resume token. */
  let credential: { launch: string } | { resume: string } | null = options.auth?.launchToken ? { launch: options.auth.launchToken } : null;
  /** Requests may go out: no auth needed, or the host accepted this socket's credential. */
  let ready = false;
  let ended = options.auth !== undefined && credential === null;

  function flush(current: WebSocketLike): void {
    for (const id of queued.splice(0)) {
      const entry = pending.get(id);
      if (entry) current.send(entry.payload);
    }
  }

  function open(): void {
    const current = options.connect();
    socket = current;
    ready = false;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      reconnectDelay = options.reconnectDelayMs ?? 0;
      if (options.auth === undefined) {
        ready = true;
        return flush(current);
      }
      // Spent by sending: a socket that drops before the answer cannot reuse it.
      const spent = credential;
      credential = null;
      current.send(JSON.stringify({ auth: spent }));
    });
    current.addEventListener('message', (event) => {
      if (socket === current) receive(event.data, current);
    });
    current.addEventListener('close', (event?: { code?: number }) => {
      if (socket !== current) return;
      socket = null;
      ready = false;
      queued.length = 0;
      if (event?.code === CLOSE_UNAUTHORIZED || (options.auth !== undefined && credential === null)) ended = true;
      const lost = [...pending.values()];
      pending.clear();
      for (const entry of lost) entry.resolve(ended ? sessionEnded() : connectionLost());
      if (!ended) scheduleReconnect();
    });
    // 'error' is always followed by 'close', which does the clean-up.
  }

  function scheduleReconnect(): void {
    if (ended || options.reconnectDelayMs === undefined || reconnectScheduled) return;
    reconnectScheduled = true;
    const delay = reconnectDelay;
    reconnectDelay = Math.min(Math.max(reconnectDelay * 2, 1), MAX_RECONNECT_DELAY_MS);
    setTimer(() => {
      reconnectScheduled = false;
      open();
    }, delay);
  }

  function receive(data: unknown, current: WebSocketLike): void {
    if (typeof data !== 'string') return;
    let message: { id?: unknown; result?: unknown; channel?: unknown; event?: unknown; auth?: unknown; resume?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (message.auth === 'ok' && typeof message.resume === 'string' && options.auth !== undefined && !ready) {
      credential = { resume: message.resume };
      ready = true;
      return flush(current);
    }
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
    if (ended) return Promise.resolve(sessionEnded());
    if (!socket) {
      if (options.reconnectDelayMs === undefined) return Promise.resolve(connectionLost());
      // Closed and waiting to reconnect: the call waits for the next socket.
      scheduleReconnect();
    }
    const id = nextId++;
    const payload = JSON.stringify({ id, channel, request: request ?? {} });
    return new Promise((resolve) => {
      pending.set(id, { resolve, payload });
      if (socket && socket.readyState === OPEN && ready) socket.send(payload);
      else queued.push(id);
    });
  }

  if (!ended) open();

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
