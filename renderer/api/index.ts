/**
 * Picks how the renderer reaches the services: the preload's `window.sinetti` inside Electron,
 * otherwise the browser host's same-origin WebSocket bridge, authenticated with the launch token
 * taken from the URL fragment (`#token=…`, never sent to a server) and then removed from the
 * address bar and history. Either way every call is wrapped so an unexpected rejection becomes an
 * INTERNAL Result instead of an unhandled promise.
 */
import { REQUEST_CHANNELS, type RequestChannel } from '../../shared/channels.js';
import type { SinettiApi } from '../../shared/contract.js';
import { fail, type Result } from '../../shared/result.js';
import { createWsBridgeApi } from './ws-bridge-api.js';

declare global {
  interface Window {
    sinetti?: SinettiApi;
  }
}

export function withSafeCalls(api: SinettiApi): SinettiApi {
  const wrapped: Record<string, (request: unknown) => Promise<Result<unknown>>> = {};
  for (const channel of REQUEST_CHANNELS) {
    const call = api[channel] as (request: unknown) => Promise<Result<unknown>>;
    wrapped[channel] = (request: unknown) => call(request).catch(() => fail('INTERNAL', `The call ${channel} failed unexpectedly.`));
  }
  return {
    ...(wrapped as unknown as { [C in RequestChannel]: SinettiApi[C] }),
    onMailEvent: (listener) => api.onMailEvent(listener),
  };
}

export function bridgeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/bridge`;
}

/**
 * Takes the launch token out of the URL fragment and replaces the history entry with the same
 * address without it, so neither the address bar, history nor session restore keeps it (it is
 * single-use anyway). Returns null when the page was opened without one.
 */
export function takeLaunchToken(win: Pick<Window, 'location' | 'history'>): string | null {
  const fragment = new URLSearchParams(win.location.hash.replace(/^#/, ''));
  const token = fragment.get('token');
  if (win.location.hash) win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}`);
  return token && /^[A-Za-z0-9_-]{20,200}$/.test(token) ? token : null;
}

export function resolveApi(win: Window = window): SinettiApi {
  if (win.sinetti) return withSafeCalls(win.sinetti);
  const url = bridgeUrl(win.location);
  const launchToken = takeLaunchToken(win);
  return withSafeCalls(createWsBridgeApi({ connect: () => new WebSocket(url), reconnectDelayMs: 500, auth: { launchToken } }));
}
