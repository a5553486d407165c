/**
 * Trust boundary: one `/bridge` WebSocket of the browser host. Invariants:
 * - the first message must authenticate (`{ "auth": { "launch" | "resume": token } }`) within a
 *   few seconds; until then nothing is dispatched and no event is pushed, and anything else, a
 *   wrong or spent token, or silence closes the socket (4401);
 * - nothing a peer sends can end the process: every frame is handled inside a try, malformed
 *   frames (not JSON, nested deeper than MAX_FRAME_DEPTH, not an object, no safe integer id,
 *   binary) close the socket with a code,
 *   socket errors (an oversized frame: `ws` closes with 1009) are logged, never thrown, and a
 *   dispatch that rejects still answers INTERNAL;
 * - requests reach the services only through the dispatcher, which validates every payload.
 */
import type { RawData, WebSocket } from 'ws';
import { MAIL_EVENT_CHANNEL } from '../../shared/channels.js';
import { fail, type Result } from '../../shared/result.js';
import type { Dispatcher } from '../services/api/dispatcher.js';
import type { MailEventSource } from '../services/events/mail-events.js';
import type { Logger } from '../services/logging/logger.js';
import type { Credential, SessionCredentials } from './session-credentials.js';

export const AUTH_TIMEOUT_MS = 10_000;
/** A protocol violation (malformed frame). */
export const CLOSE_POLICY = 1008;
/** The credential was missing, wrong or spent: the page knows this session will never work again. */
export const CLOSE_UNAUTHORIZED = 4401;

export interface BridgeSessionOptions {
  credentials: SessionCredentials;
  dispatcher: Dispatcher;
  mailEvents: MailEventSource;
  logger: Logger;
  authTimeoutMs?: number;
}

type Frame =
  { kind: 'auth'; credential: Credential } | { kind: 'request'; id: number; channel: unknown; request: unknown } | { kind: 'invalid'; reason: string };

/**
 * No request of the contract nests deeper than a few levels; JSON.parse takes seconds on a frame
 * nested a million levels deep, so depth is checked first, in one linear pass.
 */
export const MAX_FRAME_DEPTH = 64;

/** True when the JSON text nests arrays/objects deeper than `limit` (strings are skipped). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one text frame; never throws. */
export function parseFrame(text: string): Frame {
  if (nestsDeeperThan(text, MAX_FRAME_DEPTH)) return { kind: 'invalid', reason: 'nested too deep' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'invalid JSON' };
  }
  if (!isPlainObject(value)) return { kind: 'invalid', reason: 'not an object' };
  if (Object.hasOwn(value, 'auth')) {
    const auth = value.auth;
    if (!isPlainObject(auth)) return { kind: 'invalid', reason: 'bad auth' };
    const launch = Object.hasOwn(auth, 'launch') ? auth.launch : undefined;
    const resume = Object.hasOwn(auth, 'resume') ? auth.resume : undefined;
    if (typeof launch === 'string' && launch.length <= 200 && resume === undefined) return { kind: 'auth', credential: { kind: 'launch', token: launch } };
    if (typeof resume === 'string' && resume.length <= 200 && launch === undefined) return { kind: 'auth', credential: { kind: 'resume', token: resume } };
    return { kind: 'invalid', reason: 'bad auth' };
  }
  const id = Object.hasOwn(value, 'id') ? value.id : undefined;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return { kind: 'invalid', reason: 'missing id' };
  return {
    kind: 'request',
    id,
    channel: Object.hasOwn(value, 'channel') ? value.channel : undefined,
    request: Object.hasOwn(value, 'request') ? value.request : undefined,
  };
}

export function runBridgeSession(ws: WebSocket, options: BridgeSessionOptions): void {
  const log = options.logger;
  let resume: string | null = null;
  let unsubscribe: (() => void) | null = null;
  const authTimer = setTimeout(() => {
    if (resume === null) ws.close(CLOSE_UNAUTHORIZED, 'authentication required');
  }, options.authTimeoutMs ?? AUTH_TIMEOUT_MS);

  const send = (message: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch {
      return ws.close(1011, 'internal error');
    }
    ws.send(text, (error) => {
      if (error) log.warn('bridge send failed', { code: errorCode(error) });
    });
  };

  // `ws` emits 'error' for protocol violations (an oversized frame, bad UTF-8) and closes the
  // socket itself; without a listener the error would end the process.
  ws.on('error', (error) => log.warn('bridge socket error', { code: errorCode(error) }));
  ws.on('close', (code) => {
    log.info('bridge closed', { code, authenticated: resume !== null });
    clearTimeout(authTimer);
    unsubscribe?.();
    unsubscribe = null;
  });

  function authenticate(credential: Credential): void {
    if (resume !== null) return ws.close(CLOSE_POLICY, 'already authenticated');
    const next = options.credentials.redeem(credential);
    if (next === null) {
      log.warn('bridge credential refused', { kind: credential.kind });
      return ws.close(CLOSE_UNAUTHORIZED, 'unauthorized');
    }
    resume = next;
    clearTimeout(authTimer);
    unsubscribe = options.mailEvents.subscribe((event) => send({ event, channel: MAIL_EVENT_CHANNEL }));
    send({ auth: 'ok', resume: next });
  }

  function request(id: number, channel: unknown, payload: unknown): void {
    let pending: Promise<Result<unknown>>;
    try {
      pending = options.dispatcher.dispatch(channel, payload);
    } catch {
      pending = Promise.resolve(fail('INTERNAL', 'Internal error'));
    }
    pending
      .catch(() => fail('INTERNAL', 'Internal error'))
      .then((result) => send({ id, result }))
      .catch(() => undefined);
  }

  ws.on('message', (data: RawData, isBinary: boolean) => {
    try {
      if (isBinary) return ws.close(1003, 'text only');
      const frame = parseFrame(rawText(data));
      if (frame.kind === 'invalid') {
        log.warn('bridge frame refused', { reason: frame.reason });
        return ws.close(CLOSE_POLICY, frame.reason);
      }
      if (frame.kind === 'auth') return authenticate(frame.credential);
      if (resume === null) return ws.close(CLOSE_UNAUTHORIZED, 'authentication required');
      request(frame.id, frame.channel, frame.request);
    } catch (error) {
      log.error('bridge frame crashed', { error: error instanceof Error ? error.name : typeof error });
      ws.close(1011, 'internal error');
    }
  });
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}
