/**
 * The SMTP transport against a real SMTP server on loopback (with the test Dovecot behind it):
 * STARTTLS is required and a stripped STARTTLS sends no credential and no message; certificates
 * are verified; the envelope is exactly the validated recipients; server answers are classified
 * as temporary (retry) or permanent (keep the draft, show the reason).
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import '../support/mail-test-env.js';
import { ehloNameFor } from '../../main/services/mime/message-id.js';
import { SmtpTransport, buildSmtpOptions } from '../../main/services/send/smtp-transport.js';
import { fixedCredential } from '../../main/services/accounts/credentials.js';
import type { Envelope } from '../../main/services/send/send-gate.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';

const env = inject('mailEnv');
const users = { 'anna@sinetti.test': 'smtp-salasana-1' };
const servers: SmtpTestServer[] = [];
const transports: SmtpTransport[] = [];
afterEach(async () => {
  transports.splice(0).forEach((t) => t.close());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(mode: 'tls' | 'starttls' | 'strip-starttls', trustCa = true) {
  const server = await startSmtpTestServer({ mode, dovecotConfigPath: env.configPath, users, lmtpPort: env.lmtpPort });
  servers.push(server);
  const transport = new SmtpTransport(
    {
      host: '127.0.0.1',
      port: server.port,
      security: mode === 'tls' ? 'tls' : 'starttls',
      username: 'anna@sinetti.test',
      credential: fixedCredential({ method: 'password', user: 'anna@sinetti.test', password: users['anna@sinetti.test'] }),
    },
    trustCa ? { extraCaPem: env.caCertPem } : {},
  );
  transports.push(transport);
  return { server, transport };
}

function envelope(to: string[] = [`${env.person.username}@sinetti.test`], body = 'Hei'): Envelope {
  const id = randomBytes(6).toString('hex');
  const raw = Buffer.from(
    [`From: anna@sinetti.test`, `To: ${to.join(', ')}`, `Subject: SMTP ${id}`, `Message-ID: <${id}@sinetti.test>`, '', body, ''].join('\r\n'),
  );
  return { route: 'plain', from: 'anna@sinetti.test', to, raw };
}

describe('SMTP transport', () => {
  it('sends over STARTTLS and over implicit TLS, delivering into Dovecot', async () => {
    for (const mode of ['starttls', 'tls'] as const) {
      const { server, transport } = await setup(mode);
      await transport.send(envelope());
      expect(server.received).toHaveLength(1);
      expect(server.authAttempts).toEqual(['anna@sinetti.test']);
    }
  });

  it('asks for the credential at every connection: a changed password is used by the next message', async () => {
    const serverUsers: Record<string, string> = { 'vaihto@sinetti.test': 'ensimmainen' };
    const server = await startSmtpTestServer({ mode: 'starttls', dovecotConfigPath: env.configPath, users: serverUsers });
    servers.push(server);
    let password = 'ensimmainen';
    let asked = 0;
    const transport = new SmtpTransport(
      {
        host: '127.0.0.1',
        port: server.port,
        security: 'starttls',
        username: 'vaihto@sinetti.test',
        credential: async () => {
          asked += 1;
          return { method: 'password', user: 'vaihto@sinetti.test', password };
        },
      },
      { extraCaPem: env.caCertPem },
    );
    transports.push(transport);
    await transport.send(envelope());
    // Changed at the server only: refused, never retried with the same password.
    serverUsers['vaihto@sinetti.test'] = 'toinen';
    await expect(transport.send(envelope())).rejects.toMatchObject({ code: 'AUTH_FAILED', kind: 'permanent' });
    // Changed in Sinetti too: the same transport uses it for the next message.
    password = 'toinen';
    await transport.send(envelope());
    expect(server.received).toHaveLength(2);
    expect(asked).toBe(3);
  });

  it('sends with an OAuth2 token (XOAUTH2); a token refused mid-way is refreshed once and the message goes', async () => {
    const good = new Set(['token-2']);
    const server = await startSmtpTestServer({
      mode: 'starttls',
      dovecotConfigPath: env.configPath,
      users: {},
      acceptToken: async (user, token) => user === 'anna@sinetti.test' && good.has(token),
    });
    servers.push(server);
    let current = 'token-1';
    const refused: string[] = [];
    const transport = new SmtpTransport(
      {
        host: '127.0.0.1',
        port: server.port,
        security: 'starttls',
        username: 'anna@sinetti.test',
        credential: async () => ({ method: 'oauth2', user: 'anna@sinetti.test', accessToken: current }),
        refused: async (credential) => {
          if (credential.method === 'oauth2') refused.push(credential.accessToken);
          current = 'token-2';
        },
      },
      { extraCaPem: env.caCertPem },
    );
    transports.push(transport);
    await transport.send(envelope());
    expect(refused).toEqual(['token-1']);
    expect(server.received).toHaveLength(1);
    // Revoked everywhere: one more refresh attempt, then the answer, never a loop.
    good.clear();
    await expect(transport.send(envelope())).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(refused).toEqual(['token-1', 'token-2']);
  });

  it('refuses a server that hides STARTTLS: no credential and no message leaves', async () => {
    const { server, transport } = await setup('strip-starttls');
    await expect(transport.send(envelope())).rejects.toMatchObject({ code: 'STARTTLS_REQUIRED', kind: 'permanent' });
    expect(server.authAttempts).toEqual([]);
    expect(server.received).toEqual([]);
  });

  it('reports an untrusted certificate and sends nothing', async () => {
    const { server, transport } = await setup('starttls', false);
    await expect(transport.send(envelope())).rejects.toMatchObject({ code: 'TLS_CERTIFICATE', kind: 'permanent' });
    expect(server.authAttempts).toEqual([]);
    expect(server.received).toEqual([]);
  });

  it('uses exactly the given envelope, whatever the headers say', async () => {
    const { server, transport } = await setup('starttls');
    const message = envelope([`${env.person.username}@sinetti.test`]);
    const injected = { ...message, raw: Buffer.from(message.raw.toString().replace(/^To: .*$/m, 'To: someone.else@example.net\r\nBcc: hidden@example.net')) };
    await transport.send(injected);
    expect(server.received[0]!.to).toEqual([`${env.person.username}@sinetti.test`]);
  });

  it('classifies a 4xx as temporary and a rejected recipient as permanent with the server reason', async () => {
    const { server, transport } = await setup('starttls');
    server.faults.temporaryFailures = 1;
    await expect(transport.send(envelope())).rejects.toMatchObject({ code: 'SERVER', kind: 'temporary' });
    await transport.send(envelope());
    expect(server.received).toHaveLength(1);
    server.faults.rejectRecipients = ['nobody@sinetti.test'];
    await expect(transport.send(envelope(['nobody@sinetti.test']))).rejects.toMatchObject({
      code: 'SEND_REJECTED',
      kind: 'permanent',
      serverResponse: expect.stringContaining('User unknown'),
    });
  });

  it('treats a connection dropped in the middle of DATA as temporary (not accepted)', async () => {
    const { server, transport } = await setup('starttls');
    server.faults.dropNextData = true;
    // Larger than the loopback socket buffers: the drop comes while the message is still going out.
    const large = `${'Rivi tekstiä ilman merkitystä.\r\n'.repeat(800_000)}`;
    await expect(transport.send(envelope(undefined, large))).rejects.toMatchObject({ kind: 'temporary' });
    expect(server.received).toEqual([]);
  });

  it('treats a connection dropped after the whole message went out, before the server answered, as uncertain', async () => {
    const { server, transport } = await setup('starttls');
    server.faults.dropAfterNextData = true;
    await expect(transport.send(envelope())).rejects.toMatchObject({ code: 'CONNECTION_LOST', kind: 'uncertain' });
    // The server did keep it: sending it again would deliver it twice.
    expect(server.received).toHaveLength(1);
  });

  it('allows plain SMTP only to loopback', () => {
    expect(() => buildSmtpOptions({ host: 'smtp.kunta.example', port: 25, security: 'plain', username: 'a' })).toThrow(
      expect.objectContaining({ code: 'INSECURE_NOT_ALLOWED' }),
    );
    expect(buildSmtpOptions({ host: 'smtp.kunta.example', port: 587, security: 'starttls', username: 'a' })).toMatchObject({
      requireTLS: true,
      secure: false,
      logger: false,
    });
  });

  it("says EHLO with the sender's mail domain, never the workstation's name or `.invalid`", () => {
    const endpoint = { host: 'smtp.kunta.example', port: 587, security: 'starttls' as const, username: 'anna.virtanen' };
    expect(buildSmtpOptions(endpoint, { clientName: ehloNameFor('Anna@Kunta.Example') }).name).toBe('kunta.example');
    expect(buildSmtpOptions({ ...endpoint, username: 'anna@kunta.example' }).name).toBe('kunta.example');
    expect(buildSmtpOptions(endpoint).name).toBe('localhost');
    expect(ehloNameFor('anna@pöytä.fi')).toBe('xn--pyt-sla1g.fi');
    expect(ehloNameFor('anna@sinetti.invalid')).toBe('localhost');
  });
});
