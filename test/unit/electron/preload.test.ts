/**
 * The preload bridge: exactly the contract's capabilities plus onMailEvent under window.sinetti,
 * nothing that leaks ipcRenderer or IPC events, and a bundle that a sandboxed preload can load
 * (CommonJS, only `electron` required, no zod).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MAIL_EVENT_CHANNEL, REQUEST_CHANNELS } from '../../../shared/channels.js';
import type { SinettiApi } from '../../../shared/contract.js';
import type { MailEvent } from '../../../shared/domain.js';

type Stub = typeof import('../../stubs/electron.js');

let stub: Stub;
let api: SinettiApi;

beforeEach(async () => {
  vi.resetModules();
  stub = await import('../../stubs/electron.js');
  stub.resetElectronStub();
  await import('../../../preload/preload.js');
  api = stub.contextBridge.exposed.get('sinetti') as SinettiApi;
});

const event: MailEvent = { type: 'connection', accountId: 'a1', state: 'reconnecting' };

describe('preload API', () => {
  it('exposes only window.sinetti', () => {
    expect([...stub.contextBridge.exposed.keys()]).toEqual(['sinetti']);
  });

  it('has exactly one function per contract channel plus onMailEvent', () => {
    expect(Object.keys(api).sort()).toEqual([...REQUEST_CHANNELS, 'onMailEvent'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('exposes nothing that reaches ipcRenderer, process or require', () => {
    const exposed = api as unknown as Record<string, unknown>;
    for (const name of ['ipcRenderer', 'invoke', 'send', 'on', 'process', 'env', 'require']) expect(exposed[name]).toBeUndefined();
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes the channel with the request and nothing else', async () => {
    stub.ipcRenderer.invokeResult = { ok: true, value: [] };
    const result = await api['accounts:list']({});
    expect(result).toEqual({ ok: true, value: [] });
    const call = { locale: 'sv' } as const;
    await (api['settings:locale:set'] as (...args: unknown[]) => Promise<unknown>)(call, 'extra', { sneaky: true });
    expect(stub.ipcRenderer.invocations).toEqual([
      ['accounts:list', {}],
      ['settings:locale:set', call],
    ]);
  });

  it('maps every channel to itself', async () => {
    for (const channel of REQUEST_CHANNELS) await (api[channel] as (r: unknown) => Promise<unknown>)({});
    expect(stub.ipcRenderer.invocations.map((call) => call[0])).toEqual([...REQUEST_CHANNELS]);
  });

  it('gives mail event listeners only the payload, never the IPC event', () => {
    const listener = vi.fn();
    api.onMailEvent(listener);
    stub.ipcRenderer.deliver(MAIL_EVENT_CHANNEL, event);
    expect(listener).toHaveBeenCalledExactlyOnceWith(event);
    expect(listener.mock.calls[0]).toHaveLength(1);
  });

  it('unsubscribes, and a second unsubscribe is harmless', () => {
    const listener = vi.fn();
    const other = vi.fn();
    const unsubscribe = api.onMailEvent(listener);
    api.onMailEvent(other);
    unsubscribe();
    unsubscribe();
    stub.ipcRenderer.deliver(MAIL_EVENT_CHANNEL, event);
    expect(listener).not.toHaveBeenCalled();
    expect(other).toHaveBeenCalledOnce();
    expect(stub.ipcRenderer.listenerCount(MAIL_EVENT_CHANNEL)).toBe(1);
  });

  it('rejects a non-function listener', () => {
    expect(() => api.onMailEvent('alert(1)' as never)).toThrow(TypeError);
  });
});

describe('preload bundle', () => {
  it('bundles to CommonJS that requires only electron and carries no zod', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../../preload/preload.ts', import.meta.url))],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'cjs',
      target: 'chrome140',
      external: ['electron'],
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((file) => file.includes('zod'))).toBe(false);
    expect(inputs.every((file) => /^(preload|shared)\//.test(file))).toBe(true);
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/process\.env/);
  });
});
