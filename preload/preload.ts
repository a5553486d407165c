/**
 * Trust boundary: the only bridge between the renderer and main. Invariants: exposes exactly one
 * function per contract channel plus onMailEvent, under `window.sinetti`; never exposes
 * ipcRenderer, IPC events, process or env; listeners receive only the event payload. Runs in a
 * sandboxed preload, so it is bundled as CommonJS and imports only the zod-free channel list
 * (validation happens in main, not here).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { MAIL_EVENT_CHANNEL, REQUEST_CHANNELS, type RequestChannel } from '../shared/channels.js';
import type { SinettiApi } from '../shared/contract.js';
import type { MailEvent } from '../shared/domain.js';

type RequestFunctions = { [C in RequestChannel]: SinettiApi[C] };

export function buildSinettiApi(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>): SinettiApi {
  const requests: Record<string, (request?: unknown) => Promise<unknown>> = {};
  for (const channel of REQUEST_CHANNELS) {
    // Only the request object crosses: never extra arguments the page might append.
    requests[channel] = (request?: unknown) => ipc.invoke(channel, request);
  }
  const api = {
    ...(requests as unknown as RequestFunctions),
    onMailEvent(listener: (event: MailEvent) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onMailEvent needs a function');
      const wrapped = (_event: IpcRendererEvent, payload: MailEvent) => listener(payload);
      ipc.on(MAIL_EVENT_CHANNEL, wrapped);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(MAIL_EVENT_CHANNEL, wrapped);
      };
    },
  } satisfies SinettiApi;
  return Object.freeze(api);
}

contextBridge.exposeInMainWorld('sinetti', buildSinettiApi(ipcRenderer));
