/**
 * What the person and IT are told when the organisation sign-in or SMTP AUTH fails (issue 14),
 * and that the outbox waits, instead of failing, while the person signs in again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../shared/result.js';
import { mapOAuthError } from '../../../main/services/oauth/oauth-tokens.js';
import { Outbox } from '../../../main/services/send/outbox.js';
import { classifySmtpError } from '../../../main/services/send/smtp-transport.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('sign-in failures', () => {
  it('maps SMTP AUTH turned off for the tenant to its own code, not a wrong password', () => {
    const disabled = classifySmtpError({
      code: 'EAUTH',
      responseCode: 535,
      response: '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant.',
    });
    expect(disabled).toMatchObject({ code: 'SMTP_AUTH_DISABLED', kind: 'permanent' });
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Error: authentication failed' }).code).toBe('AUTH_FAILED');
  });

  it('maps the provider answers to consent, access, sign in again, clock and network', () => {
    expect(mapOAuthError({ error: 'invalid_client', error_description: 'AADSTS65001: The user or administrator has not consented' }).code).toBe(
      'OAUTH_CONSENT_REQUIRED',
    );
    expect(mapOAuthError({ error: 'access_denied' }).code).toBe('OAUTH_ACCESS_DENIED');
    expect(mapOAuthError({ error: 'invalid_grant', error_description: 'refresh token revoked' }).code).toBe('SIGN_IN_REQUIRED');
    expect(mapOAuthError({ code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' }).code).toBe('CLOCK_SKEW');
    expect(mapOAuthError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })).code).toBe('OAUTH_UNREACHABLE');
  });

  it('keeps a message queued (not failed) while the person must sign in again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-signin-'));
    dirs.push(dir);
    const outbox = await Outbox.open({
      dir: join(dir, 'outbox'),
      secrets: new SecretStore(new MemoryKeychain(), join(dir, 'data')),
      transportFor: async () => ({
        send: async () => Promise.reject(new ServiceError('SIGN_IN_REQUIRED', 'Sign in again.')),
      }),
      backoffMs: () => 60_000,
    });
    await outbox.enqueue('tili', 'viesti@sinetti.test', [{ route: 'plain', from: 'a@sinetti.test', to: ['b@sinetti.test'], raw: Buffer.from('x') }]);
    await outbox.flush();
    outbox.stop();
    expect(outbox.list()).toEqual([expect.objectContaining({ state: 'queued', lastError: expect.objectContaining({ code: 'SIGN_IN_REQUIRED' }) })]);
  });
});
