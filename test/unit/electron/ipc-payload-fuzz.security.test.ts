/**
 * Attack: hostile payloads over Electron IPC from the app's own (trusted) window — the same fuzz
 * as the browser host's bridge (test/support/contract-fuzz.ts) plus what structured clone can
 * carry and JSON cannot (Map, Set, Date, typed arrays, BigInt, cyclic and very deep objects).
 * Every channel of the contract answers with a Result, never rejects across IPC, its handler
 * sees only what the schema accepts, and nothing pollutes Object.prototype.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDispatcher } from '../../../main/services/api/dispatcher.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import { registerIpcHandlers } from '../../../main/electron/ipc-registration.js';
import type { RequestChannel } from '../../../shared/channels.js';
import type { ServiceHandlers } from '../../../shared/contract.js';
import {
  allChannels,
  deepArray,
  deepObject,
  expectCleanRequest,
  expectNoPollution,
  expectResult,
  fieldsOf,
  hostilePayloads,
} from '../../support/contract-fuzz.js';
import { contract } from '../../../shared/contract.js';
import { ipcMain, resetElectronStub } from '../../stubs/electron.js';

const log = createLogger('test', { sink: () => undefined });
const received: { channel: RequestChannel; request: unknown }[] = [];

function cyclic(): unknown {
  const value: Record<string, unknown> = { name: 'x' };
  value.self = value;
  return value;
}

/** Values structured clone delivers to main that JSON never could. */
const CLONE_ONLY: readonly unknown[] = [
  new Map([['accountId', 'a']]),
  new Set(['a']),
  new Date(0),
  new Uint8Array([1, 2, 3]),
  10n,
  /x/,
  new Error('x'),
  Number.NaN,
  Number.POSITIVE_INFINITY,
  cyclic(),
  deepObject(100_000),
  deepArray(100_000),
  // eslint-disable-next-line no-sparse-arrays
  [, , 1],
  Object.create(null) as unknown,
];

beforeEach(() => {
  resetElectronStub();
  received.length = 0;
  const handlers = Object.fromEntries(
    allChannels().map((channel) => [
      channel,
      vi.fn(async (request: unknown) => {
        received.push({ channel, request });
        return {};
      }),
    ]),
  ) as unknown as ServiceHandlers;
  registerIpcHandlers({ ipcMain: ipcMain as never, dispatcher: createDispatcher(handlers, log), logger: log, isTrustedSender: () => true });
});

describe('every channel of the contract, hostile payloads over IPC', () => {
  it.each(allChannels().map((c) => [c]))('%s answers every payload with a Result; its handler sees only valid requests', async (channel) => {
    const payloads = [
      ...hostilePayloads(channel),
      ...CLONE_ONLY,
      ...fieldsOf(contract[channel].request).flatMap((field) => CLONE_ONLY.map((v) => ({ [field]: v }))),
      { huge: 'x'.repeat(2_000_000) },
    ];
    for (const payload of [...payloads, undefined]) {
      const answer = await ipcMain.invoke(channel, {}, payload);
      expectResult(answer);
    }
    // No argument at all, and extra arguments: still a Result.
    expectResult(await ipcMain.invoke(channel, {}));
    expectResult(await ipcMain.invoke(channel, {}, {}, { extra: true }));
    for (const { channel: seen, request } of received) expectCleanRequest(seen, request);
    expectNoPollution();
  });

  it('a payload whose validation itself throws (a throwing getter) is a VALIDATION error, not a crash', async () => {
    const hostile = {
      get locale(): string {
        throw new Error('boom');
      },
    };
    expect(await ipcMain.invoke('settings:locale:set', {}, hostile)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const proxy = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('boom');
        },
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(await ipcMain.invoke('accounts:list', {}, proxy)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(received).toEqual([]);
  });
});
