/**
 * The services out of the window process: main relays to a separate process (Electron's
 * utilityProcess; here child_process.fork, the same messages) and decides nothing itself. Real
 * child processes, so a crash, a refused start and the idle lock's gate are seen across the
 * process boundary.
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MailEvent } from '../../../shared/domain.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import { childProcessHandle } from '../../../main/service-process/child-process-handle.js';
import { startServiceProcess, type RemoteServices } from '../../../main/service-process/service-process-client.js';
import { registerIpcHandlers } from '../../../main/electron/ipc-registration.js';

const child = fileURLToPath(new URL('../../support/service-process-child.ts', import.meta.url));
const log = createLogger('test', { sink: () => undefined });
const started: RemoteServices[] = [];
const TIMEOUT = { timeout: 30_000 };

function spawn(mode: 'fake' | 'real') {
  const proc = fork(child, [mode], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return { proc, handle: childProcessHandle(proc) };
}

async function start(mode: 'fake' | 'real', dataDir = mkdtempSync(join(tmpdir(), 'sinetti-relay-'))) {
  const { proc, handle } = spawn(mode);
  const services = await startServiceProcess(handle, { version: '9.9.9', dataDir }, { logger: log });
  started.push(services);
  return { proc, services };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

describe('services process relay', () => {
  // One forked process for the tests that leave it running (each fork loads the services anew).
  let shared: RemoteServices;
  const opened: string[] = [];
  beforeAll(async () => {
    const { handle } = spawn('fake');
    shared = await startServiceProcess(
      handle,
      { version: '9.9.9', dataDir: mkdtempSync(join(tmpdir(), 'sinetti-relay-')) },
      { logger: log, openExternal: async (url) => void opened.push(url) },
    );
  }, 60_000);
  afterAll(() => shared.close());

  it('answers through the services’ own dispatcher (validation included) and pushes their events', TIMEOUT, async () => {
    const services = shared;
    expect(await services.dispatcher.dispatch('app:info:get', {})).toEqual({ ok: true, value: { version: '9.9.9', host: 'electron', vaultProblem: null } });
    // Validation happens in the services process, not in main.
    expect(await services.dispatcher.dispatch('app:info:get', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await services.dispatcher.dispatch('shell:exec', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const events: MailEvent[] = [];
    services.mailEvents.subscribe((e) => events.push(e));
    await services.dispatcher.dispatch('accounts:list', {});
    await until(() => events.length > 0);
    expect(events).toEqual([{ type: 'connection', accountId: 'a1', state: 'connected' }]);
  });

  it('keeps the sender check in main: an untrusted sender never reaches the services process', TIMEOUT, async () => {
    const services = shared;
    const dispatch = vi.spyOn(services.dispatcher, 'dispatch');
    const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
    registerIpcHandlers({
      ipcMain: { handle: (channel: string, fn: never) => void handlers.set(channel, fn), removeHandler: () => undefined } as never,
      dispatcher: services.dispatcher,
      logger: log,
      isTrustedSender: (event) => (event as unknown as { trusted: boolean }).trusted,
    });
    expect(await handlers.get('app:info:get')!({ trusted: false }, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(dispatch).not.toHaveBeenCalled();
    expect(await handlers.get('app:info:get')!({ trusted: true }, {})).toMatchObject({ ok: true });
    dispatch.mockRestore();
  });

  it('relays an OS screen lock: data channels answer LOCKED until unlocked', TIMEOUT, async () => {
    const services = shared;
    const events: MailEvent[] = [];
    services.mailEvents.subscribe((e) => events.push(e));
    services.sessionLock.lock('os-lock');
    await until(() => events.some((e) => e.type === 'session-lock'));
    expect(await services.dispatcher.dispatch('accounts:list', {})).toMatchObject({ ok: false, error: { code: 'LOCKED' } });
    expect(await services.dispatcher.dispatch('app:lock:state', {})).toMatchObject({ ok: true, value: { locked: true, reason: 'os-lock' } });
    expect(await services.dispatcher.dispatch('app:lock:unlock', {})).toMatchObject({ ok: true, value: { locked: false } });
    expect(await services.dispatcher.dispatch('accounts:list', {})).toEqual({ ok: true, value: [] });
  });

  it('hands links back to main’s own opener', TIMEOUT, async () => {
    const services = shared;
    await services.dispatcher.dispatch('app:link:open', { url: 'https://example.fi/ohje' });
    await until(() => opened.length > 0);
    expect(opened).toEqual(['https://example.fi/ohje']);
  });

  it('answers every request INTERNAL once the process has died, in flight or later, and never hangs', TIMEOUT, async () => {
    const { services, proc } = await start('fake');
    const inFlight = services.dispatcher.dispatch('mail:mailboxes:list', {});
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    await until(() => proc.exitCode !== null);
    expect(services.running()).toBe(false);
    expect(await services.dispatcher.dispatch('app:info:get', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('refuses to start when the services cannot be built, and says why', TIMEOUT, async () => {
    await expect(start('fake', '/nonexistent/fail')).rejects.toThrow('cannot build services here');
  });

  it('runs the real composition root in the child and closes it cleanly', TIMEOUT, async () => {
    const { services, proc } = await start('real');
    expect(await services.dispatcher.dispatch('app:info:get', {})).toEqual({ ok: true, value: { version: '9.9.9', host: 'electron', vaultProblem: null } });
    expect(await services.dispatcher.dispatch('accounts:list', {})).toEqual({ ok: true, value: [] });
    expect(await services.dispatcher.dispatch('app:lock:state', {})).toMatchObject({ ok: true, value: { locked: false, idleMinutes: 15 } });
    await services.close();
    await until(() => proc.exitCode !== null);
    expect(proc.exitCode).toBe(0);
  });
});
