/**
 * Connection set-up against a real Dovecot and against hostile servers: each failure has its own
 * clear error, and a required STARTTLS that is stripped or skipped never sends the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import '../support/mail-test-env.js';
import { createTestServices, type TestServices } from '../support/services-harness.js';
import { startPreauthServer, startSilentServer, startStarttlsStripper } from '../support/hostile-imap.js';

const env = inject('mailEnv');
let t: TestServices;

const account = (overrides: Record<string, unknown> = {}) => ({
  displayName: 'Oma',
  host: '127.0.0.1',
  port: env.imapPort,
  security: 'starttls' as const,
  username: env.person.username,
  password: env.person.password,
  ...overrides,
});

beforeAll(async () => {
  t = await createTestServices({ caCertPem: env.caCertPem, timeoutMs: 1500 });
});
afterAll(async () => t.close());

describe('connection test against real Dovecot', () => {
  it('connects with required STARTTLS and a trusted certificate', async () => {
    const result = await t.value('accounts:connection:test', account());
    expect(result.capabilities).toContain('IDLE');
  });

  it('connects with implicit TLS', async () => {
    expect((await t.call('accounts:connection:test', account({ port: env.imapsPort, security: 'tls' }))).ok).toBe(true);
  });

  it('reports a wrong password as AUTH_FAILED', async () => {
    const result = await t.call('accounts:connection:test', account({ password: 'väärä-salasana' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
  });

  it('reports an untrusted certificate as TLS_CERTIFICATE', async () => {
    const untrusting = await createTestServices({ timeoutMs: 1500 });
    try {
      const result = await untrusting.call('accounts:connection:test', account({ port: env.imapsPort, security: 'tls' }));
      expect(result).toMatchObject({ ok: false, error: { code: 'TLS_CERTIFICATE' } });
    } finally {
      await untrusting.close();
    }
  });

  it('reports a certificate for another name as TLS_CERTIFICATE', async () => {
    // The certificate names 127.0.0.1 and localhost; 127.0.0.2 reaches the same server under another name.
    const result = await t.call('accounts:connection:test', account({ host: '127.0.0.2', port: env.imapsPort, security: 'tls' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'TLS_CERTIFICATE' } });
  });

  it('reports a closed port as CONNECTION_REFUSED', async () => {
    const result = await t.call('accounts:connection:test', account({ port: 1 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED' } });
  });

  it('reports an unknown host as DNS', async () => {
    const result = await t.call('accounts:connection:test', account({ host: 'imap.does-not-exist.invalid' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'DNS' } });
  });

  it('reports a server that never greets as TIMEOUT', async () => {
    const silent = await startSilentServer();
    try {
      const result = await t.call('accounts:connection:test', account({ port: silent.port }));
      expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    } finally {
      await silent.close();
    }
  });

  it('refuses unencrypted connections to anything but loopback', async () => {
    const result = await t.call('accounts:connection:test', account({ host: 'imap.kunta.example', security: 'plain' }));
    expect(result).toMatchObject({ ok: false, error: { code: 'INSECURE_NOT_ALLOWED' } });
  });
});

describe('downgrade attacks', () => {
  it('a man in the middle stripping STARTTLS gets no password', async () => {
    const mitm = await startStarttlsStripper(env.imapPort);
    try {
      const result = await t.call('accounts:connection:test', account({ port: mitm.port }));
      expect(result).toMatchObject({ ok: false, error: { code: 'STARTTLS_REQUIRED' } });
      expect(mitm.received()).not.toContain(env.person.password);
      expect(mitm.received()).not.toMatch(/LOGIN|AUTHENTICATE/i);
    } finally {
      await mitm.close();
    }
  });

  it('the same stripped server would have received the password from a plain (loopback-only) account', async () => {
    // Control: proves the proxy really sees credentials when the client does not insist on TLS.
    const mitm = await startStarttlsStripper(env.imapPort);
    try {
      const result = await t.call('accounts:connection:test', account({ port: mitm.port, security: 'plain' }));
      expect(result.ok).toBe(true);
      expect(mitm.received()).toMatch(/LOGIN|AUTHENTICATE/i);
    } finally {
      await mitm.close();
    }
  });

  it('a PREAUTH greeting is refused when STARTTLS is required', async () => {
    const preauth = await startPreauthServer();
    try {
      const result = await t.call('accounts:connection:test', account({ port: preauth.port }));
      expect(result).toMatchObject({ ok: false, error: { code: 'PREAUTH_REFUSED' } });
      expect(preauth.received()).not.toContain(env.person.password);
    } finally {
      await preauth.close();
    }
  });

  it('an account is never added when its connection test fails', async () => {
    const mitm = await startStarttlsStripper(env.imapPort);
    try {
      const result = await t.call('accounts:add', account({ port: mitm.port }));
      expect(result.ok).toBe(false);
      expect(await t.value('accounts:list', {})).toEqual([]);
    } finally {
      await mitm.close();
    }
  });
});
