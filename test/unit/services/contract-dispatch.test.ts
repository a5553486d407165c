import { describe, expect, it, vi } from 'vitest';
import { REQUEST_CHANNELS } from '../../../shared/channels.js';
import { contract } from '../../../shared/contract.js';
import { ServiceError } from '../../../shared/result.js';
import { createDispatcher } from '../../../main/services/api/dispatcher.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import type { ServiceHandlers } from '../../../shared/contract.js';

function handlers(overrides: Partial<ServiceHandlers> = {}): ServiceHandlers {
  const all = Object.fromEntries(REQUEST_CHANNELS.map((c) => [c, vi.fn(async () => ({}))])) as unknown as ServiceHandlers;
  return { ...all, ...overrides };
}

const lines: string[] = [];
const log = createLogger('test', { sink: (l) => lines.push(l), level: 'debug' });

describe('IPC contract', () => {
  it('has a request and response schema for every channel', () => {
    expect(Object.keys(contract).sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('refuses unknown channels and never calls a handler', async () => {
    const h = handlers();
    const result = await createDispatcher(h, log).dispatch('shell:exec', {});
    expect(result).toEqual({ ok: false, error: { code: 'VALIDATION', message: 'Unknown channel' } });
  });

  it('refuses payloads that do not match the schema, without echoing them', async () => {
    const add = vi.fn(async () => ({ id: 'x' }) as never);
    const dispatcher = createDispatcher(handlers({ 'accounts:add': add }), log);
    const result = await dispatcher.dispatch('accounts:add', { host: 'imap.example.fi', port: 'not-a-number', password: 'hunter2' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('VALIDATION');
      expect(result.error.message).not.toContain('hunter2');
    }
    expect(add).not.toHaveBeenCalled();
  });

  it('refuses extra keys (strict schemas) and out-of-range values', async () => {
    const page = vi.fn();
    const dispatcher = createDispatcher(handlers({ 'mail:messages:page': page as never }), log);
    const mailbox = { accountId: 'a', path: 'INBOX' };
    expect((await dispatcher.dispatch('mail:messages:page', { mailbox, offset: 0, limit: 50, sort: 'date-desc', extra: 1 })).ok).toBe(false);
    expect((await dispatcher.dispatch('mail:messages:page', { mailbox, offset: 0, limit: 100000, sort: 'date-desc' })).ok).toBe(false);
    expect((await dispatcher.dispatch('mail:attachment:get', { mailbox, uid: 1, partId: '../../etc' })).ok).toBe(false);
    expect(page).not.toHaveBeenCalled();
  });

  it('passes the parsed request to the handler and wraps its value', async () => {
    const setLocale = vi.fn(async ({ locale }: { locale: 'fi' | 'sv-FI' | 'en' }) => ({ locale }));
    const result = await createDispatcher(handlers({ 'settings:locale:set': setLocale }), log).dispatch('settings:locale:set', { locale: 'sv-FI' });
    expect(result).toEqual({ ok: true, value: { locale: 'sv-FI' } });
    expect(setLocale).toHaveBeenCalledWith({ locale: 'sv-FI' });
  });

  it('turns service errors into coded results and crashes into INTERNAL without details', async () => {
    const dispatcher = createDispatcher(
      handlers({
        'accounts:list': async () => {
          throw new ServiceError('KEYCHAIN_LOCKED', 'The keychain is locked.');
        },
        'mail:mailboxes:list': async () => {
          throw new Error('secret detail: password=hunter2');
        },
      }),
      log,
    );
    expect(await dispatcher.dispatch('accounts:list', {})).toEqual({ ok: false, error: { code: 'KEYCHAIN_LOCKED', message: 'The keychain is locked.' } });
    const crashed = await dispatcher.dispatch('mail:mailboxes:list', {});
    expect(crashed).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(lines.join('\n')).not.toContain('hunter2');
  });
});
