/**
 * Starts the services in an Electron utilityProcess (dist/electron/services-process.cjs) and
 * adapts it to the relay's handle, so decrypting a 25 MB message or reading a large PDF never
 * blocks the process that owns the windows. The process gets no Node options from the
 * environment beyond what the fuses allow, and is told nothing secret: it reads the keychain itself.
 */
import type { UtilityProcess } from 'electron';
import type { ServiceProcessHandle } from '../service-process/relay-protocol.js';

export function utilityProcessHandle(child: UtilityProcess): ServiceProcessHandle {
  return {
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message as never)),
    onExit: (listener) => child.once('exit', (code: number) => listener(code)),
    kill: () => void child.kill(),
  };
}
