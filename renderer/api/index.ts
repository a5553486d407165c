/**
 * Picks how the renderer reaches the services: the preload's `window.sinetti` inside Electron,
 * otherwise the browser host's same-origin WebSocket bridge. Either way every call is wrapped so
 * an unexpected rejection becomes an INTERNAL Result instead of an unhandled promise.
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

export function resolveApi(win: Window = window): SinettiApi {
  if (win.sinetti) return withSafeCalls(win.sinetti);
  const url = bridgeUrl(win.location);
  return withSafeCalls(createWsBridgeApi({ connect: () => new WebSocket(url), reconnectDelayMs: 500 }));
}
