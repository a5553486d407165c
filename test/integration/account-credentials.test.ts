/**
 * One home for credentials (issue 14): IMAP and SMTP ask for the credential when they connect,
 * so a password changed at the server and then in Sinetti works for the next connection without
 * a restart; a wrong new password is refused by the server and never replaces the stored one;
 * an edit of the account's settings applies to the next connection; removal leaves nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import '../support/mail-test-env.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';

const env = inject('mailEnv');
// A user of this file only, appended to the run's Dovecot (passwd-file is re-read when it changes).
const user = `tunnus.vaihto${process.pid}`;
const passwd = join(dirname(env.configPath), 'passwd');
let t: TestServices;

/**
 * Dovecot looks at passwd-file again at most once a second (it skips the check when it already
 * synced in the same second of its clock), so a change is awaited past the next second boundary.
 */
async function setServerPassword(password: string): Promise<void> {
  const lines = readFileSync(passwd, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith(`${user}:`));
  writeFileSync(passwd, [...lines, `${user}:{PLAIN}${password}::::::`, ''].join('\n'));
  await new Promise((resolve) => setTimeout(resolve, 1100));
}

beforeAll(async () => {
  await setServerPassword('vanha-salasana-1');
  t = await createTestServices({ caCertPem: env.caCertPem });
});
afterAll(async () => {
  await t.close();
  writeFileSync(passwd, readFileSync(passwd, 'utf8').replace(new RegExp(`^${user}:.*\\n`, 'm'), ''));
});

describe('account credentials', () => {
  it('uses a changed password for the next connection, and keeps the old one when the server refuses the new', async () => {
    const account = await t.value('accounts:add', {
      displayName: 'Vaihto',
      host: '127.0.0.1',
      port: env.imapPort,
      security: 'starttls',
      username: user,
      password: 'vanha-salasana-1',
    });
    expect(account.auth).toBe('password');
    await t.value('mail:mailboxes:list', {});

    // Changed at the server: the connection Sinetti has (if any) ends, new ones fail until the person types it.
    await setServerPassword('uusi-salasana-2');
    await t.services.mail.forget(account.id);
    expect(await t.call('mail:mailboxes:list', {})).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });

    // A typo is tried at the server and refused: nothing is stored.
    expect(await t.call('accounts:credentials:set', { accountId: account.id, password: 'uusi-salasana-3' })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED' },
    });

    await t.value('accounts:credentials:set', { accountId: account.id, password: 'uusi-salasana-2' });
    // The next connection (no restart, same services) uses it.
    const groups = await t.value('mail:mailboxes:list', {});
    expect(groups.some((g) => g.accountId === account.id)).toBe(true);
    await t.value('accounts:remove', { accountId: account.id });
  });

  it('edits an account: the sending address and SMTP server are kept, a wrong server is refused and changes nothing', async () => {
    const account = await t.value('accounts:add', {
      displayName: 'Muokkaus',
      host: '127.0.0.1',
      port: env.imapPort,
      security: 'starttls',
      username: user,
      password: 'uusi-salasana-2',
    });
    const edited = await t.value('accounts:update', {
      accountId: account.id,
      displayName: 'Muokattu',
      host: '127.0.0.1',
      port: env.imapsPort,
      security: 'tls',
      username: user,
      address: 'Muokattu@Sinetti.Test',
      smtp: { host: 'smtp.sinetti.test', port: 587, security: 'starttls' },
    });
    expect(edited).toMatchObject({ displayName: 'Muokattu', port: env.imapsPort, security: 'tls', address: 'muokattu@sinetti.test' });
    expect(edited.smtp).toEqual({ host: 'smtp.sinetti.test', port: 587, security: 'starttls' });
    expect(await t.value('accounts:list', {})).toContainEqual(edited);
    // The new server settings are used (implicit TLS port).
    expect((await t.value('mail:mailboxes:list', {})).some((g) => g.accountId === account.id)).toBe(true);

    const refused = await t.call('accounts:update', { ...edited, accountId: account.id, port: 1, security: 'tls', smtp: undefined });
    expect(refused.ok).toBe(false);
    expect(await t.value('accounts:list', {})).toContainEqual(edited);

    await t.value('accounts:remove', { accountId: account.id });
    expect(await t.value('accounts:list', {})).toEqual([]);
  });
});
