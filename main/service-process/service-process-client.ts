/**
 * Main's side of the services process: a Dispatcher and a mail-event source that relay to it, so
 * registerIpcHandlers and forwardMailEvents work unchanged. Invariants:
 * - every request gets exactly one Result: the services' answer, or INTERNAL when the process
 *   has stopped (requests in flight and every later one) — never a hang, never a throw;
 * - nothing is decided here: sender checks happen before (ipc-registration), validation and the
 *   idle lock's gate after (the services' dispatcher);
 * - links to open come back as messages and go through main's own vetting opener.
 */
import { fail, type Result } from '../../shared/result.js';
import type { Dispatcher } from '../services/api/dispatcher.js';
import { MailEventHub } from '../services/events/mail-events.js';
import type { Logger } from '../services/logging/logger.js';
import { isFromServices, type FromServices, type ServiceProcessHandle, type ServiceProcessOptions } from './relay-protocol.js';

export interface RemoteServices {
  dispatcher: Dispatcher;
  mailEvents: MailEventHub;
  sessionLock: { lock(reason: 'os-lock'): void };
  /** True until the process has stopped. */
  running(): boolean;
  close(): Promise<void>;
}

export interface StartOptions {
  openExternal?: (url: string) => Promise<void>;
  logger: Logger;
  /** How long close() waits for the process to finish its own clean-up (default 10 s). */
  closeTimeoutMs?: number;
}

export function startServiceProcess(handle: ServiceProcessHandle, options: ServiceProcessOptions, start: StartOptions): Promise<RemoteServices> {
  const log = start.logger;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const mailEvents = new MailEventHub();
  let nextId = 1;
  let alive = true;
  let onClosed: (() => void) | null = null;
  let settleStart: { resolve: () => void; reject: (error: Error) => void } | null = null;

  const stopped = (why: string) => {
    if (!alive) return;
    alive = false;
    for (const answer of pending.values()) answer(fail('INTERNAL', 'The Sinetti services stopped; restart Sinetti.'));
    pending.clear();
    settleStart?.reject(new Error(`the services process stopped before it was ready (${why})`));
    onClosed?.();
  };

  handle.onExit((code) => {
    if (alive) log.error('services process exited', { code });
    stopped(`exit code ${String(code)}`);
  });
  handle.onMessage((raw) => {
    if (!isFromServices(raw)) {
      log.warn('services process sent an unknown message');
      return;
    }
    const message: FromServices = raw;
    switch (message.kind) {
      case 'ready':
        settleStart?.resolve();
        return;
      case 'start-failed':
        settleStart?.reject(new Error(message.message));
        return;
      case 'response': {
        const answer = pending.get(message.id);
        pending.delete(message.id);
        answer?.(message.result);
        return;
      }
      case 'event':
        mailEvents.emit(message.event);
        return;
      case 'open-external':
        // Main vets it again (createExternalOpener): the services process is not trusted to.
        start.openExternal?.(message.url).catch(() => log.warn('external link refused'));
        return;
      case 'closed':
        stopped('closed');
        return;
    }
  });

  const dispatcher: Dispatcher = {
    dispatch(channel, payload) {
      if (!alive) return Promise.resolve(fail('INTERNAL', 'The Sinetti services stopped; restart Sinetti.'));
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        try {
          handle.send({ kind: 'request', id, channel, payload });
        } catch {
          // Not cloneable, or the channel just closed: the same answer as a refused payload.
          pending.delete(id);
          resolve(fail('VALIDATION', 'The request could not be passed on.'));
        }
      });
    },
  };

  const services: RemoteServices = {
    dispatcher,
    mailEvents,
    sessionLock: {
      lock: (reason) => {
        if (alive) handle.send({ kind: 'lock', reason });
      },
    },
    running: () => alive,
    close: () =>
      new Promise<void>((resolve) => {
        if (!alive) return resolve();
        const timer = setTimeout(() => {
          log.warn('services process did not close in time; ending it');
          handle.kill();
        }, start.closeTimeoutMs ?? 10_000);
        onClosed = () => {
          clearTimeout(timer);
          resolve();
        };
        handle.send({ kind: 'close' });
      }),
  };

  return new Promise<RemoteServices>((resolve, reject) => {
    settleStart = {
      resolve: () => {
        settleStart = null;
        resolve(services);
      },
      reject: (error) => {
        settleStart = null;
        handle.kill();
        reject(error);
      },
    };
    handle.send({ kind: 'init', options });
  });
}
