/**
 * The services process's end of the channel to main: Electron's `process.parentPort` inside a
 * utilityProcess, or Node's IPC (`process.send`) when forked by child_process (the tests'
 * stand-in for utilityProcess). Refuses to run as anything else.
 */
import type { FromServices, RelayPort, ToServices } from './relay-protocol.js';

interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export function parentRelayPort(proc: NodeJS.Process & { parentPort?: ElectronParentPort } = process): RelayPort<FromServices, ToServices> {
  const electronPort = proc.parentPort;
  if (electronPort) {
    return {
      send: (message) => electronPort.postMessage(message),
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data as ToServices)),
    };
  }
  const send = proc.send?.bind(proc);
  if (send) {
    return {
      send: (message) => void send(message),
      onMessage: (listener) => proc.on('message', (message) => listener(message as ToServices)),
    };
  }
  throw new Error('The services process must be started by Sinetti (no parent channel).');
}
