/**
 * The services process's side: builds the services (createServices, as the browser host does)
 * when main sends `init`, answers each request with the services' own dispatcher, pushes mail
 * events, and closes on `close`. Requests before the services exist are answered INTERNAL.
 */
import { fail } from '../../shared/result.js';
import type { Services, ServicesOptions } from '../services/services.js';
import type { FromServices, RelayPort, ToServices } from './relay-protocol.js';

export type ServicesFactory = (
  options: Pick<ServicesOptions, 'version' | 'dataDir' | 'extraCaPem' | 'managedPolicyPath' | 'requireProtectedPolicyFile' | 'openExternal'>,
) => Promise<Services>;

export function serveServices(port: RelayPort<FromServices, ToServices>, create: ServicesFactory, exit: (code: number) => void): void {
  let services: Services | null = null;
  port.onMessage((message) => {
    if (typeof message !== 'object' || message === null) return;
    switch (message.kind) {
      case 'init':
        if (services) return;
        create({
          ...message.options,
          openExternal: async (url) => port.send({ kind: 'open-external', url }),
        }).then(
          (built) => {
            services = built;
            built.mailEvents.subscribe((event) => port.send({ kind: 'event', event }));
            port.send({ kind: 'ready' });
          },
          (error: unknown) => {
            port.send({ kind: 'start-failed', message: error instanceof Error ? error.message : String(error) });
          },
        );
        return;
      case 'request': {
        const { id } = message;
        if (!Number.isSafeInteger(id)) return;
        if (!services) return port.send({ kind: 'response', id, result: fail('INTERNAL', 'The Sinetti services are not ready.') });
        services.dispatcher.dispatch(message.channel, message.payload).then(
          (result) => port.send({ kind: 'response', id, result }),
          () => port.send({ kind: 'response', id, result: fail('INTERNAL', 'Internal error') }),
        );
        return;
      }
      case 'lock':
        services?.sessionLock.lock('os-lock');
        return;
      case 'close': {
        const closing = services ? services.close() : Promise.resolve();
        closing
          .catch(() => undefined)
          .finally(() => {
            port.send({ kind: 'closed' });
            exit(0);
          });
        return;
      }
    }
  });
}
