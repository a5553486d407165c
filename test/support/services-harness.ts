/** Real services in this process with a temporary data dir, driven through the real dispatcher. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestChannel } from '../../shared/channels.js';
import type { RequestOf, ResponseOf } from '../../shared/contract.js';
import type { MailEvent } from '../../shared/domain.js';
import type { Result } from '../../shared/result.js';
import { createServices, type CreatedServices } from '../../main/services/create-services.js';
import { createLogger } from '../../main/services/logging/logger.js';
import type { KeychainBackend } from '../../main/services/secrets/keychain.js';
import type { ManagedConfigSource } from '../../main/services/managed-config/managed-config-source.js';
import { MemoryKeychain } from '../../main/services/secrets/memory-keychain.js';
import { ConfSettingsBackend } from '../../main/services/settings/conf-settings-backend.js';
import type { TeamWorkActions, TeamWorkSource } from '../../main/services/team-work/team-work-source.js';

export interface TestServices {
  services: CreatedServices;
  dataDir: string;
  events: MailEvent[];
  call<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  /** Like call, but throws on a failed result. */
  value<C extends RequestChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  close(): Promise<void>;
}

export async function createTestServices(
  options: {
    caCertPem?: string;
    keychain?: KeychainBackend;
    timeoutMs?: number;
    dataDir?: string;
    headerWindowSize?: number;
    bulkHeaderSync?: boolean;
    managedPolicyPath?: string;
    /** IT's managed configuration (tests pass a source of their own; default none). */
    managedConfigSource?: ManagedConfigSource;
    logSink?: (line: string) => void;
    keyLookupConnectTo?: (hostname: string) => { host: string; port: number } | null;
    teamWorkSource?: TeamWorkSource & TeamWorkActions;
  } = {},
): Promise<TestServices> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sinetti-it-'));
  const services = await createServices({
    host: 'browser',
    version: 'test',
    dataDir,
    settingsBackend: new ConfSettingsBackend(dataDir),
    keychain: options.keychain ?? new MemoryKeychain(),
    extraCaPem: options.caCertPem,
    imapConnectTimeoutMs: options.timeoutMs,
    headerWindowSize: options.headerWindowSize,
    bulkHeaderSync: options.bulkHeaderSync,
    // Tests never read the machine's own /etc/sinetti/policy.json: only the file they give.
    // (With a managed configuration of the test's own, its `policy` section is IT's policy instead.)
    ...(options.managedConfigSource ? {} : { managedPolicyPath: options.managedPolicyPath ?? null }),
    // A test's own file lives in a temporary directory anyone may write to (like the demo's override).
    requireProtectedPolicyFile: false,
    logger: createLogger('it', { sink: options.logSink ?? (() => undefined) }),
    ...(options.managedConfigSource ? { managedConfigSource: options.managedConfigSource } : {}),
    ...(options.keyLookupConnectTo ? { keyLookupConnectTo: options.keyLookupConnectTo } : {}),
    ...(options.teamWorkSource ? { teamWorkSource: options.teamWorkSource } : {}),
  });
  const events: MailEvent[] = [];
  services.mailEvents.subscribe((e) => events.push(e));
  const call = <C extends RequestChannel>(channel: C, request: RequestOf<C>) =>
    services.dispatcher.dispatch(channel, request) as Promise<Result<ResponseOf<C>>>;
  return {
    services,
    dataDir,
    events,
    call,
    async value(channel, request) {
      const result = await call(channel, request);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
    async close() {
      await services.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
