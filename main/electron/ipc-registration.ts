/**
 * Trust boundary: Electron IPC into the services. Invariants (after VS Code's validatedIpcMain):
 * - only the channels of the contract are registered, one `ipcMain.handle` each;
 * - a request is served only when it comes from the MAIN frame of a window created by
 *   createSecureWindow and that frame's URL is on `app://sinetti`; anything else (a subframe such
 *   as the mail iframe, a foreign origin, a destroyed frame) gets UNAUTHORIZED and never reaches
 *   the dispatcher;
 * - the dispatcher validates every payload against the contract schema; nothing throws across
 *   IPC: every answer is a Result;
 * - mail events go only to trusted windows' main frames, and only the event object is sent.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { MAIL_EVENT_CHANNEL, REQUEST_CHANNELS } from '../../shared/channels.js';
import { fail, type Result } from '../../shared/result.js';
import type { Services } from '../services/services.js';
import type { Logger } from '../services/logging/logger.js';
import { APP_ORIGIN, isAppUrl } from './app-origin.js';
import { isTrustedWebContents } from './secure-window.js';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** The default sender check: our window, its main frame, our origin. */
export const isTrustedSender: SenderCheck = (event) => {
  const frame = event.senderFrame;
  const contents = event.sender;
  if (!frame || !contents || contents.isDestroyed() || !isTrustedWebContents(contents)) return false;
  const main = contents.mainFrame;
  const isMainFrame = frame.parent === null && main != null && frame.processId === main.processId && frame.routingId === main.routingId;
  // Both the URL and Chromium's serialized origin must be ours (app:// is a standard scheme, so its
  // origin is "app://sinetti"; an opaque or foreign document has another one).
  return isMainFrame && isAppUrl(frame.url) && frame.origin === APP_ORIGIN;
};

export interface IpcRegistrationOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatcher: Services['dispatcher'];
  logger: Logger;
  isTrustedSender?: SenderCheck;
}

/** Registers one handler per contract channel; returns a function that removes them all. */
export function registerIpcHandlers(options: IpcRegistrationOptions): () => void {
  const check = options.isTrustedSender ?? isTrustedSender;
  for (const channel of REQUEST_CHANNELS) {
    options.ipcMain.handle(channel, async (event, payload: unknown): Promise<Result<unknown>> => {
      let trusted = false;
      try {
        trusted = check(event);
      } catch {
        trusted = false;
      }
      if (!trusted) {
        options.logger.warn('ipc sender refused', { channel });
        return fail('UNAUTHORIZED', 'This request did not come from the Sinetti window.');
      }
      try {
        return await options.dispatcher.dispatch(channel, payload);
      } catch {
        // The dispatcher already turns handler errors into results; this is the last net.
        return fail('INTERNAL', 'Internal error');
      }
    });
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) options.ipcMain.removeHandler(channel);
  };
}

/** Sends every mail event to the window until it is destroyed; returns the unsubscribe function. */
export function forwardMailEvents(source: Services['mailEvents'], contents: WebContents): () => void {
  let unsubscribe: (() => void) | null = source.subscribe((event) => {
    if (contents.isDestroyed() || !isTrustedWebContents(contents)) return;
    // webContents.send goes to the main frame only, never to the mail iframe.
    contents.send(MAIL_EVENT_CHANNEL, event);
  });
  const stop = () => {
    unsubscribe?.();
    unsubscribe = null;
  };
  contents.once('destroyed', stop);
  return stop;
}
