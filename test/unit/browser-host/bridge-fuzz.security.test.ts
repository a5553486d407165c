/**
 * Attack: malformed frames and hostile payloads on the browser host's `/bridge` socket. A text
 * frame `null` once threw inside the message handler and an oversized frame raised an 'error'
 * on a socket without a listener: either ended the host process. Now every frame gets an answer
 * or a closed socket, the process lives on (no uncaught exception), and every channel of the
 * contract answers hostile payloads with a Result while its handler sees only what the schema
 * accepts — fuzzed through the real dispatcher.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_MESSAGE_BYTES, startBrowserHost, type BrowserHost } from '../../../main/browser-host/browser-host-server.js';
import { createDispatcher } from '../../../main/services/api/dispatcher.js';
import { MailEventHub } from '../../../main/services/events/mail-events.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import type { RequestChannel } from '../../../shared/channels.js';
import type { ServiceHandlers } from '../../../shared/contract.js';
import {
  allChannels,
  deepArrayJson,
  deepObjectJson,
  expectCleanRequest,
  expectNoPollution,
  expectResult,
  hostilePayloads,
} from '../../support/contract-fuzz.js';
import { authenticate, connect, tokenOf, type Bridge } from './bridge-client.js';

const staticDir = mkdtempSync(join(tmpdir(), 'sinetti-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Sinetti</title>');

const received: { channel: RequestChannel; request: unknown }[] = [];
const handlers = Object.fromEntries(
  allChannels().map((channel) => [
    channel,
    vi.fn(async (request: unknown) => {
      received.push({ channel, request });
      return {};
    }),
  ]),
) as unknown as ServiceHandlers;
const log = createLogger('t', { sink: () => undefined });
let host: BrowserHost;
let launchUrl = '';
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

async function session(): Promise<Bridge> {
  const bridge = await connect(host.port, host.origin);
  const auth = await authenticate(bridge, { launch: tokenOf(launchUrl) });
  if (!('resume' in auth)) throw new Error(`refused: ${auth.closed}`);
  return bridge;
}

/** The host still serves: a new session gets a real answer. */
async function expectAlive(): Promise<void> {
  const bridge = await session();
  expect(await bridge.call(1, 'app:info:get', {})).toEqual({ ok: true, value: {} });
  bridge.ws.close();
}

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  host = await startBrowserHost({
    services: { dispatcher: createDispatcher(handlers, log), mailEvents: new MailEventHub() },
    staticDir,
    logger: log,
    onLaunchUrlUsed: (next) => (launchUrl = next),
  });
  launchUrl = host.url;
});
afterAll(async () => {
  await host.close();
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  expect(uncaught).toEqual([]);
  expectNoPollution();
});

describe('bridge frame layer', () => {
  const frames: [string, string | Buffer][] = [
    ['null', 'null'],
    ['a number', '1'],
    ['a string', '"x"'],
    ['true', 'true'],
    ['an array', '[]'],
    ['an array holding a request', '[{"id":1,"channel":"accounts:list"}]'],
    ['an empty object', '{}'],
    ['invalid JSON', '{"id":'],
    ['an empty frame', ''],
    ['a string id', '{"id":"1","channel":"accounts:list"}'],
    ['a fractional id', '{"id":1.5,"channel":"accounts:list"}'],
    ['an unsafe integer id', '{"id":9007199254740993,"channel":"accounts:list"}'],
    ['an id inherited through __proto__', '{"__proto__":{"id":1},"channel":"accounts:list"}'],
    ['auth that is not an object', '{"auth":null}'],
    ['auth with both kinds', '{"auth":{"launch":"a","resume":"b"}}'],
    ['auth with a huge token', `{"auth":{"launch":"${'a'.repeat(100_000)}"}}`],
    ['deeply nested arrays', deepArrayJson(1_000_000)],
    ['deeply nested objects', deepObjectJson(1_000_000)],
    ['a request nested a million levels deep', `{"id":1,"channel":"accounts:add","request":${deepObjectJson(1_000_000)}}`],
    ['a binary frame', Buffer.from([0, 1, 2, 3])],
    ['invalid UTF-8', Buffer.from([0xff, 0xfe, 0xfd])],
  ];

  it.each(frames)('answers or closes on %s, and the host lives on', { timeout: 15_000 }, async (_name, frame) => {
    const bridge = await session();
    bridge.ws.send(frame, { binary: typeof frame !== 'string' && _name === 'a binary frame' });
    const code = await Promise.race([bridge.closed, new Promise<'open'>((r) => setTimeout(() => r('open'), 2000))]);
    if (code === 'open') {
      // Still open: then it must have answered the frame (never silently swallowed a request).
      expect(bridge.messages.length).toBeGreaterThan(1);
      bridge.ws.close();
    } else expect([1003, 1007, 1008, 1009, 4401]).toContain(code);
    await expectAlive();
  });

  it('the same frames before authentication close the socket and reach nothing', { timeout: 30_000 }, async () => {
    for (const [, frame] of frames) {
      const bridge = await connect(host.port, host.origin);
      bridge.ws.send(frame);
      expect(await bridge.closed).not.toBe(1000);
    }
    await expectAlive();
  });

  it('a frame over the size limit closes that socket (1009) and the host lives on', { timeout: 30_000 }, async () => {
    const bridge = await session();
    bridge.ws.send(JSON.stringify({ id: 1, channel: 'accounts:list', request: { pad: 'x'.repeat(MAX_MESSAGE_BYTES) } }));
    expect(await bridge.closed).toBe(1009);
    await expectAlive();
  });

  it('an oversized frame before authentication is refused the same way', { timeout: 30_000 }, async () => {
    const bridge = await connect(host.port, host.origin);
    bridge.ws.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect(await bridge.closed).toBe(1009);
    await expectAlive();
  });

  it('a peer that resets mid-frame does not end the host', async () => {
    const bridge = await session();
    bridge.ws.send('{"id":1,"channel":"accounts:list","request":');
    bridge.ws.terminate();
    await bridge.closed;
    await expectAlive();
  });
});

describe('every channel of the contract, hostile payloads over the bridge', () => {
  it.each(allChannels().map((c) => [c]))('%s answers every payload with a Result; its handler sees only valid requests', async (channel) => {
    received.length = 0;
    const bridge = await session();
    const payloads = [...hostilePayloads(channel), { huge: 'x'.repeat(2_000_000) }];
    let id = 10;
    for (const payload of payloads) expectResult(await bridge.call(id++, channel, payload));
    // Not an object at all, or no request field: the frame still gets a Result.
    expectResult(await bridge.call(id++, channel, undefined));
    // Nested past the frame depth limit: the host closes this socket rather than parse it.
    expect(await bridge.callRaw(id++, channel, `{"x":${deepArrayJson(100_000)}}`)).toBeNull();
    expect(await bridge.closed).toBe(1008);
    for (const { channel: seen, request } of received) expectCleanRequest(seen, request);
    expectNoPollution();
  });

  it('unknown and non-string channels are VALIDATION errors', async () => {
    const bridge = await session();
    for (const channel of ['nope', '__proto__', 'constructor', 'toString', null, 1, {}, []]) {
      expect(await bridge.call(1, channel, {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    bridge.ws.close();
  });
});
