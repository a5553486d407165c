/**
 * A child_process.fork()ed services process as main sees it: the plain-Node stand-in for Electron's
 * utilityProcess (same messages, same life-cycle), used by the relay's tests and the benchmark.
 * Fork it with `serialization: 'advanced'` so messages are structured clones, as utilityProcess's are.
 */
import type { ChildProcess } from 'node:child_process';
import type { FromServices, ServiceProcessHandle } from './relay-protocol.js';

export function childProcessHandle(child: ChildProcess): ServiceProcessHandle {
  return {
    send: (message) => {
      if (!child.connected) throw new Error('the services process is not connected');
      child.send(message);
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as FromServices)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => void child.kill(),
  };
}
