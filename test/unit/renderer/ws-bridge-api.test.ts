/**
 * The browser host's WebSocket bridge, against a fake socket: requests and responses are
 * matched by id, events are validated before listeners see them, and a closed socket ends every
 * outstanding call with CONNECTION_LOST instead of leaving it hanging.
 */
import { describe, expect, it } from 'vitest';
import { MAIL_EVENT_CHANNEL } from '../../../shared/channels.js';
import type { MailEvent } from '../../../shared/domain.js';
import { bridgeUrl, takeLaunchToken, withSafeCalls } from '../../../renderer/api/index.js';
import { CLOSE_UNAUTHORIZED, createWsBridgeApi, type WebSocketLike } from '../../../renderer/api/ws-bridge-api.js';
import type { SinettiApi } from '../../../shared/contract.js';

class FakeSocket implements WebSocketLike {
  readyState = 0;
  sent: { id: number; channel: string; request: unknown; auth?: unknown }[] = [];
  private listeners = new Map<string, ((event: { data: unknown; code?: number }) => void)[]>();

  addEventListener(type: string, listener: (event: { data: unknown; code?: number }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send before open');
    this.sent.push(JSON.parse(data) as FakeSocket['sent'][number]);
  }
  close(code?: number): void {
    this.readyState = 3;
    for (const listener of this.listeners.get('close') ?? []) listener({ data: undefined, code });
  }
  open(): void {
    this.readyState = 1;
    this.fire('open');
  }
  receive(message: unknown): void {
    this.fire('message', typeof message === 'string' ? message : JSON.stringify(message));
  }
  fire(type: string, data?: unknown): void {
    if (type === 'close') this.readyState = 3;
    for (const listener of this.listeners.get(type) ?? []) listener({ data });
  }
}

function setup(options: { reconnectDelayMs?: number; auth?: { launchToken: string | null } } = {}) {
  const sockets: FakeSocket[] = [];
  const timers: (() => void)[] = [];
  const api = createWsBridgeApi({
    connect: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    setTimer: (run) => timers.push(run),
    ...options,
  });
  return { api, sockets, timers, socket: () => sockets[sockets.length - 1]! };
}

describe('ws bridge api', () => {
  it('queues calls until the socket opens, then matches responses to requests by id', async () => {
    const { api, socket } = setup();
    const accounts = api['accounts:list']({});
    const settings = api['settings:ui:get']({});
    expect(socket().sent).toEqual([]);
    socket().open();
    expect(socket().sent.map((m) => m.channel)).toEqual(['accounts:list', 'settings:ui:get']);
    const [first, second] = socket().sent;
    // Answer out of order: correlation is by id, not by arrival.
    socket().receive({ id: second!.id, result: { ok: true, value: { locale: 'sv-FI' } } });
    socket().receive({ id: first!.id, result: { ok: true, value: [] } });
    await expect(settings).resolves.toEqual({ ok: true, value: { locale: 'sv-FI' } });
    await expect(accounts).resolves.toEqual({ ok: true, value: [] });
  });

  it('sends the request object under its channel and passes failures through', async () => {
    const { api, socket } = setup();
    socket().open();
    const moved = api['mail:message:move']({ mailbox: { accountId: 'a', path: 'INBOX' }, uids: [3], destination: 'Trash' });
    const sent = socket().sent[0]!;
    expect(sent.channel).toBe('mail:message:move');
    expect(sent.request).toEqual({ mailbox: { accountId: 'a', path: 'INBOX' }, uids: [3], destination: 'Trash' });
    socket().receive({ id: sent.id, result: { ok: false, error: { code: 'MESSAGE_GONE', message: 'gone' } } });
    await expect(moved).resolves.toEqual({ ok: false, error: { code: 'MESSAGE_GONE', message: 'gone' } });
  });

  it('turns a malformed response into an INTERNAL error and ignores unknown ids and garbage', async () => {
    const { api, socket } = setup();
    socket().open();
    const call = api['accounts:list']({});
    socket().receive('not json');
    socket().receive({ id: 999, result: { ok: true, value: 'stray' } });
    socket().receive({ id: socket().sent[0]!.id, result: { nope: true } });
    const result = await call;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INTERNAL');
  });

  it('delivers valid mail events to subscribers until they unsubscribe, and drops invalid ones', () => {
    const { api, socket } = setup();
    socket().open();
    const seen: MailEvent[] = [];
    const unsubscribe = api.onMailEvent((event) => seen.push(event));
    const event: MailEvent = { type: 'mailbox-changed', mailbox: { accountId: 'a', path: 'shared/perhe' }, reason: 'new', total: 4 };
    socket().receive({ channel: MAIL_EVENT_CHANNEL, event });
    socket().receive({ channel: MAIL_EVENT_CHANNEL, event: { type: 'mailbox-changed', total: -1 } });
    socket().receive({ channel: 'other', event });
    unsubscribe();
    socket().receive({ channel: MAIL_EVENT_CHANNEL, event: { type: 'connection', accountId: 'a', state: 'offline' } });
    expect(seen).toEqual([event]);
  });

  it('resolves every outstanding call with CONNECTION_LOST when the socket closes', async () => {
    const { api, socket } = setup();
    socket().open();
    const sent = api['accounts:list']({});
    const also = api['mail:mailboxes:list']({});
    socket().close();
    for (const result of await Promise.all([sent, also])) {
      expect(result).toEqual({ ok: false, error: { code: 'CONNECTION_LOST', message: expect.any(String) } });
    }
    // Without reconnection later calls fail at once rather than hang.
    await expect(api['accounts:list']({})).resolves.toMatchObject({ ok: false, error: { code: 'CONNECTION_LOST' } });
  });

  it('also fails calls still queued on a socket that never opened', async () => {
    const { api, socket } = setup();
    const queued = api['accounts:list']({});
    socket().close();
    await expect(queued).resolves.toMatchObject({ ok: false, error: { code: 'CONNECTION_LOST' } });
  });

  it('reconnects when asked to, and sends later calls on the new socket', async () => {
    const { api, sockets, timers, socket } = setup({ reconnectDelayMs: 100 });
    socket().open();
    socket().close();
    expect(timers).toHaveLength(1);
    const later = api['accounts:list']({});
    timers.shift()!();
    expect(sockets).toHaveLength(2);
    socket().open();
    const sent = socket().sent[0]!;
    expect(sent.channel).toBe('accounts:list');
    socket().receive({ id: sent.id, result: { ok: true, value: [] } });
    await expect(later).resolves.toEqual({ ok: true, value: [] });
  });

  it('ignores messages from a replaced socket', async () => {
    const { api, timers, sockets, socket } = setup({ reconnectDelayMs: 0 });
    socket().open();
    const old = sockets[0]!;
    old.close();
    timers.shift()!();
    socket().open();
    const call = api['accounts:list']({});
    const sent = socket().sent[0]!;
    old.fire('message', JSON.stringify({ id: sent.id, result: { ok: true, value: ['spoofed'] } }));
    socket().receive({ id: sent.id, result: { ok: true, value: [] } });
    await expect(call).resolves.toEqual({ ok: true, value: [] });
  });
});

describe('ws bridge api: authentication by first message', () => {
  const launchToken = 'L'.repeat(43);

  it('sends the launch token as the first message and nothing else until the host accepts it', async () => {
    const { api, socket } = setup({ auth: { launchToken } });
    const call = api['accounts:list']({});
    socket().open();
    expect(socket().sent).toEqual([{ auth: { launch: launchToken } }]);
    socket().receive({ auth: 'ok', resume: 'R1' });
    const sent = socket().sent[1]!;
    expect(sent.channel).toBe('accounts:list');
    socket().receive({ id: sent.id, result: { ok: true, value: [] } });
    await expect(call).resolves.toEqual({ ok: true, value: [] });
  });

  it('reconnects with the single-use resume token the host handed out, never the launch token again', () => {
    const { sockets, timers, socket } = setup({ auth: { launchToken }, reconnectDelayMs: 0 });
    socket().open();
    socket().receive({ auth: 'ok', resume: 'R1' });
    socket().close(1006);
    timers.shift()!();
    socket().open();
    expect(sockets[1]!.sent).toEqual([{ auth: { resume: 'R1' } }]);
    socket().receive({ auth: 'ok', resume: 'R2' });
    socket().close(1006);
    timers.shift()!();
    socket().open();
    expect(sockets[2]!.sent).toEqual([{ auth: { resume: 'R2' } }]);
  });

  it('ends the session when the host refuses the credential: SESSION_ENDED, no reconnect', async () => {
    const { api, timers, socket } = setup({ auth: { launchToken }, reconnectDelayMs: 0 });
    const call = api['accounts:list']({});
    socket().open();
    socket().close(CLOSE_UNAUTHORIZED);
    await expect(call).resolves.toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
    await expect(api['accounts:list']({})).resolves.toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
    expect(timers).toHaveLength(0);
  });

  it('a page opened without a token (e.g. reloaded) does not connect and says the session ended', async () => {
    const { api, sockets } = setup({ auth: { launchToken: null }, reconnectDelayMs: 0 });
    expect(sockets).toHaveLength(0);
    await expect(api['accounts:list']({})).resolves.toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
  });

  it('takes the token from the fragment and removes it from the address and history entry', () => {
    const replaced: string[] = [];
    const win = {
      location: { hash: `#token=${launchToken}`, pathname: '/', search: '' },
      history: { replaceState: (_s: unknown, _t: string, url: string) => replaced.push(url) },
    } as unknown as Window;
    expect(takeLaunchToken(win)).toBe(launchToken);
    expect(replaced).toEqual(['/']);
    expect(takeLaunchToken({ ...win, location: { hash: '', pathname: '/', search: '' } } as unknown as Window)).toBeNull();
  });
});

describe('api selection helpers', () => {
  it('builds the same-origin bridge URL', () => {
    expect(bridgeUrl({ protocol: 'http:', host: '127.0.0.1:4321' })).toBe('ws://127.0.0.1:4321/bridge');
    expect(bridgeUrl({ protocol: 'https:', host: 'x.example' })).toBe('wss://x.example/bridge');
  });

  it('turns a rejected call into an INTERNAL result', async () => {
    const throwing = new Proxy({} as SinettiApi, {
      get: (_t, key) => (key === 'onMailEvent' ? () => () => undefined : () => Promise.reject(new Error('ipc broke'))),
    });
    const safe = withSafeCalls(throwing);
    await expect(safe['accounts:list']({})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
