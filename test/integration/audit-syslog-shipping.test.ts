/**
 * Shipping the trail as RFC 5424 syslog over TLS (RFC 5425) to a receiver the test starts: in
 * order, each record once, nothing lost while the receiver is down, and a crash between "stored"
 * and "shipped" loses nothing. What was shipped holds no identity code and no content.
 */
import { mkdtempSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditService } from '../../main/services/audit/audit-service.js';
import { AuditTrail } from '../../main/services/audit/audit-trail.js';
import { SyslogShipper } from '../../main/services/audit/syslog-shipper.js';
import { SecretStore } from '../../main/services/secrets/secret-store.js';
import { MemoryKeychain } from '../../main/services/secrets/memory-keychain.js';
import { makeTestCertificates, type TestCertificates } from '../support/test-ca.js';
import { SyslogTlsReceiver } from '../support/syslog-tls-receiver.js';

const CODE = '131052-308T';
let dir: string;
let certs: TestCertificates;
let receiver: SyslogTlsReceiver;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'audit-ship-'));
  certs = await makeTestCertificates(join(dir, 'tls'), { dns: ['localhost'], ips: ['127.0.0.1'] });
  receiver = new SyslogTlsReceiver(certs);
  await receiver.start(0);
});
afterAll(async () => {
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

const seqs = () => receiver.messages.map((m) => Number(/seq="(\d+)"/.exec(m)![1]));

describe('audit shipping to syslog over TLS', () => {
  it('ships in order, exactly once, through a receiver outage and a crash', async () => {
    const keychain = new MemoryKeychain();
    const secrets = new SecretStore(keychain, dir);
    const trail = new AuditTrail({ dir: join(dir, 'audit'), secrets });
    const audit = new AuditService({
      trail,
      secrets,
      version: '1',
      accountIdentity: () => 'demo.tyontekija@imap.example',
      organisationKey: () => Buffer.alloc(32, 1).toString('base64'),
      workstation: 'ws-1',
    });
    const destination = () => ({ host: 'localhost', port: receiver.port, caPem: certs.caCertPem });
    const open = (uid: number) =>
      audit.record({
        action: 'message.opened',
        outcome: 'ok',
        accountId: 'a',
        mailbox: 'shared/perhepalvelut',
        uid,
        identityCodes: [CODE],
        addresses: ['liisa@example.fi'],
      });
    let shipper = new SyslogShipper(trail, destination, { hostname: 'ws-1', firstBackoffMs: 50 });

    for (let uid = 1; uid <= 5; uid++) await open(uid);
    await vi.waitFor(() => expect(shipper.shipped()).toBe(5), { timeout: 10_000 });
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);

    // The receiver is away: records wait, then all arrive once it is back.
    await receiver.stop();
    for (let uid = 6; uid <= 10; uid++) await open(uid);
    await new Promise((r) => setTimeout(r, 300));
    expect(shipper.shipped()).toBe(5);
    await receiver.start();
    await vi.waitFor(() => expect(shipper.shipped()).toBe(10), { timeout: 10_000 });
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    // A crash after storing, before shipping: the next start ships what waited.
    shipper.stop();
    for (let uid = 11; uid <= 13; uid++) await open(uid);
    await trail.close();
    const restarted = new AuditTrail({ dir: join(dir, 'audit'), secrets: new SecretStore(keychain, dir) });
    shipper = new SyslogShipper(restarted, destination, { hostname: 'ws-1', firstBackoffMs: 50 });
    shipper.kick();
    await vi.waitFor(() => expect(shipper.shipped()).toBe(13), { timeout: 10_000 });
    expect(seqs()).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    shipper.stop();
    await restarted.close();

    // RFC 5424 shape, and nothing readable about the client: no code, no address.
    expect(receiver.messages[0]).toMatch(/^<110>1 \S+ ws-1 sinetti - message\.opened \[sinetti@32473 seq="1" hash="[0-9a-f]{64}" ws="ws-1"\] \{/);
    const shipped = receiver.messages.join('\n');
    for (const secret of [CODE, '131052', 'liisa@example.fi']) expect(shipped).not.toContain(secret);
    for (const file of readdirSync(join(dir, 'audit'))) expect(readFileSync(join(dir, 'audit', file), 'utf8')).not.toContain(CODE);
  });
});
