/**
 * Trust boundary: what the services answer while the app is locked. Every channel outside the
 * short list below is refused with LOCKED before the dispatcher (and so before any service)
 * sees it: no mail, no keys, no drafts, no settings that name people. The list holds only what
 * the lock screen itself needs: the lock channels, app:info:get (version, host, keychain
 * problem) and settings:ui:get (the lock screen's language).
 */
import type { RequestChannel } from '../../../shared/channels.js';
import { fail } from '../../../shared/result.js';
import type { Dispatcher } from './dispatcher.js';

export const OPEN_WHILE_LOCKED: ReadonlySet<RequestChannel> = new Set<RequestChannel>([
  'app:lock:state',
  'app:lock:activity',
  'app:lock:now',
  'app:lock:unlock',
  'app:info:get',
  'settings:ui:get',
]);

export function gateWhileLocked(dispatcher: Dispatcher, lock: { isLocked(): boolean }): Dispatcher {
  return {
    dispatch(channel, payload) {
      if (lock.isLocked() && !(typeof channel === 'string' && OPEN_WHILE_LOCKED.has(channel as RequestChannel))) {
        return Promise.resolve(fail('LOCKED', 'Sinetti is locked: unlock it to continue.'));
      }
      return dispatcher.dispatch(channel, payload);
    },
  };
}
