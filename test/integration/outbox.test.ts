/**
 * The outbox against a real SMTP server on loopback: nothing lost and nothing sent twice through a
 * server that is down, a 4xx, a connection dropped mid-DATA, a restart with three messages queued
 * and a crash in the middle of a send; permanent refusals kept with the server's reason; nothing
 * readable on disk. A copy the server may have taken (the connection ended after the whole message
 * went out) waits as uncertain and is never sent twice; a damaged entry is quarantined and the
 * outbox starts; no failure inside background delivery escapes as an unhandled rejection.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import '../support/mail-test-env.js';
import { ServiceError } from '../../shared/result.js';
import { MemoryKeychain } from '../../main/services/secrets/memory-keychain.js';
import { SecretStore } from '../../main/services/secrets/secret-store.js';
import { Outbox } from '../../main/services/send/outbox.js';
import type { Envelope, MailTransport } from '../../main/services/send/send-gate.js';
import { SmtpTransport } from '../../main/services/send/smtp-transport.js';
import { fixedCredential } from '../../main/services/accounts/credentials.js';
import { startSmtpTestServer, type SmtpTestServer } from '../support/smtp-test-server.js';

const env = inject('mailEnv');
const users = { 'anna@sinetti.test': 'smtp-salasana-2' };
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(): Promise<SmtpTestServer> {
  const s = await startSmtpTestServer({ mode: 'starttls', dovecotConfigPath: env.configPath, users });
  cleanup.push(() => s.close());
  return s;
}

function transportTo(port: number): SmtpTransport {
  const t = new SmtpTransport(
    {
      host: '127.0.0.1',
      port,
      security: 'starttls',
      username: 'anna@sinetti.test',
      credential: fixedCredential({ method: 'password', user: 'anna@sinetti.test', password: users['anna@sinetti.test'] }),
    },
    { extraCaPem: env.caCertPem, timeoutMs: 3_000 },
  );
  cleanup.push(() => t.close());
  return t;
}

function envelope(marker: string, to = ['asiakas@example.net'], body = `Sisältö ${marker}`): Envelope {
  return {
    route: 'plain',
    from: 'anna@sinetti.test',
    to,
    raw: Buffer.from(`From: anna@sinetti.test\r\nTo: ${to.join(', ')}\r\nSubject: ${marker}\r\nMessage-ID: <${marker}@sinetti.test>\r\n\r\n${body}\r\n`),
  };
}

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'sinetti-outbox-'));
  const secrets = new SecretStore(new MemoryKeychain(), join(dir, 'data'));
  return { dir: join(dir, 'outbox'), secrets };
}

async function open(f: ReturnType<typeof fixture>, transport: () => MailTransport, accepted: string[] = []) {
  const outbox = await Outbox.open({
    ...f,
    transportFor: async () => transport(),
    backoffMs: () => 0,
    onAccepted: (item) => void accepted.push(item.messageId),
  });
  cleanup.push(() => outbox.stop());
  return outbox;
}

const subjects = (s: SmtpTestServer) => s.received.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())![1]!.trim()).sort();

describe('outbox', () => {
  it('keeps three messages through a server that is down and an app restart, then delivers each exactly once', async () => {
    const f = fixture();
    const down = await open(f, () => transportTo(1));
    const markers = ['eka', 'toka', 'kolmas'].map((m) => `${m}-${randomBytes(3).toString('hex')}`);
    for (const marker of markers) await down.enqueue('acc', `${marker}@sinetti.test`, [envelope(marker)]);
    await down.flush();
    expect(down.list().map((i) => [i.state, i.lastError?.code])).toEqual(markers.map(() => ['queued', 'CONNECTION_REFUSED']));
    down.stop();

    // Nothing readable on disk: neither the recipient nor the content.
    for (const name of readdirSync(f.dir)) {
      const bytes = readFileSync(join(f.dir, name));
      expect(bytes.includes('asiakas@example.net')).toBe(false);
      expect(bytes.includes('Sisältö')).toBe(false);
    }

    const live = await server();
    const accepted: string[] = [];
    const restarted = await open(f, () => transportTo(live.port), accepted);
    await vi.waitFor(() => expect(restarted.list()).toEqual([]), { timeout: 10_000 });
    await restarted.flush();
    expect(subjects(live)).toEqual([...markers].sort());
    expect(accepted.sort()).toEqual(markers.map((m) => `${m}@sinetti.test`).sort());
    expect(readdirSync(f.dir)).toEqual([]);
  });

  it('retries after a 4xx and after a connection dropped mid-DATA, and delivers once', async () => {
    const live = await server();
    const f = fixture();
    const outbox = await open(f, () => transportTo(live.port));
    live.faults.temporaryFailures = 1;
    await outbox.enqueue('acc', 'a@sinetti.test', [envelope('nelja')]);
    await vi.waitFor(() => expect(live.received).toHaveLength(1), { timeout: 10_000 });
    live.faults.dropNextData = true;
    // Larger than the loopback socket buffers, so the drop comes while the message is still going
    // out (a message that went out whole is "uncertain", see below).
    await outbox.enqueue('acc', 'b@sinetti.test', [envelope('viisi', undefined, 'Pitkä rivi ilman merkitystä.\r\n'.repeat(800_000))]);
    await vi.waitFor(() => expect(live.received).toHaveLength(2), { timeout: 15_000 });
    await outbox.flush();
    expect(subjects(live)).toEqual(['nelja', 'viisi']);
    expect(outbox.list()).toEqual([]);
  });

  it('keeps a permanently refused message with the server reason, and does not retry it by itself', async () => {
    const live = await server();
    live.faults.rejectRecipients = ['ei.ole@example.net'];
    const outbox = await open(fixture(), () => transportTo(live.port));
    const [item] = await outbox.enqueue('acc', 'c@sinetti.test', [envelope('kuusi', ['ei.ole@example.net'])]);
    await vi.waitFor(() => expect(outbox.list()[0]?.state).toBe('failed'));
    expect(outbox.list()[0]!.lastError).toMatchObject({ code: 'SEND_REJECTED', serverResponse: expect.stringContaining('User unknown') });
    await outbox.flush();
    expect(live.received).toEqual([]);
    live.faults.rejectRecipients = [];
    await outbox.retry(item!.id);
    await vi.waitFor(() => expect(live.received).toHaveLength(1));
  });

  it('holds a message that was mid-send when the app stopped, instead of sending it twice', async () => {
    const f = fixture();
    let release: () => void = () => undefined;
    const hanging: MailTransport = { send: () => new Promise<void>((resolve) => (release = resolve)) };
    const first = await open(f, () => hanging);
    await first.enqueue('acc', 'd@sinetti.test', [envelope('seitseman')]);
    await vi.waitFor(() => expect(first.list()[0]?.state).toBe('sending'));
    first.stop();

    // The "crashed" run never learned whether the server accepted it.
    const live = await server();
    const second = await open(f, () => transportTo(live.port));
    await second.flush();
    expect(second.list().map((i) => i.state)).toEqual(['uncertain']);
    expect(live.received).toEqual([]);
    await second.retry(second.list()[0]!.id);
    await vi.waitFor(() => expect(live.received).toHaveLength(1));
    release();
  });
  it("keeps what to do after acceptance across a restart: $Forwarded on a forward's original, the team's Sent folder", async () => {
    const f = fixture();
    const down = await open(f, () => transportTo(1));
    const marker = `fwd-${randomBytes(3).toString('hex')}`;
    const forwarded = { mailbox: { accountId: 'acc', path: 'shared/perhepalvelut' }, uid: 42 };
    await down.enqueue('acc', `${marker}@sinetti.test`, [envelope(marker)], { forwarded, teamMailbox: 'acc:shared:perhepalvelut' });
    await down.flush();
    down.stop();
    const live = await server();
    const done: unknown[] = [];
    const restarted = await Outbox.open({
      ...f,
      transportFor: async () => transportTo(live.port),
      backoffMs: () => 0,
      onMessageDone: async (d) => void done.push(d),
    });
    cleanup.push(() => restarted.stop());
    await vi.waitFor(
      () => expect(done).toEqual([{ accountId: 'acc', messageId: `${marker}@sinetti.test`, after: { forwarded, teamMailbox: 'acc:shared:perhepalvelut' } }]),
      { timeout: 10_000 },
    );
  });

  it('holds a copy the server took but never confirmed (connection dropped after the end of DATA) as uncertain: exactly one arrives', async () => {
    const live = await server();
    const f = fixture();
    const done: string[] = [];
    const outbox = await Outbox.open({
      ...f,
      transportFor: async () => transportTo(live.port),
      backoffMs: () => 0,
      onMessageDone: async (d) => void done.push(d.messageId),
    });
    cleanup.push(() => outbox.stop());
    live.faults.dropAfterNextData = true;
    await outbox.enqueue('acc', 'u@sinetti.test', [envelope('epavarma')], { replyTo: { mailbox: { accountId: 'acc', path: 'INBOX' }, uid: 7 } });
    await vi.waitFor(() => expect(outbox.list().map((i) => i.state)).toEqual(['uncertain']), { timeout: 10_000 });
    // Retries with zero backoff would have sent it again by now; nothing does.
    await outbox.flush();
    await new Promise((r) => setTimeout(r, 300));
    await outbox.flush();
    expect(subjects(live)).toEqual(['epavarma']);
    expect(outbox.list()[0]).toMatchObject({ state: 'uncertain', attempts: 1, lastError: { code: 'CONNECTION_LOST' } });
    // The person checked that it arrived: it counts as sent (the follow-up runs), and is never resent.
    await outbox.markSent(outbox.list()[0]!.id);
    expect(outbox.list()).toEqual([]);
    expect(done).toEqual(['u@sinetti.test']);
    await outbox.flush();
    expect(live.received).toHaveLength(1);
  });

  it('starts with a damaged entry on disk: it is quarantined (kept, never sent) and reported, the others are delivered', async () => {
    const f = fixture();
    const down = await open(f, () => transportTo(1));
    const [damagedMeta] = await down.enqueue('acc', 'x1@sinetti.test', [envelope('vioittunut-meta')]);
    const [damagedCopy] = await down.enqueue('acc', 'x2@sinetti.test', [envelope('vioittunut-kopio')]);
    await down.enqueue('acc', 'x3@sinetti.test', [envelope('ehja')]);
    await down.flush();
    down.stop();
    // One entry's bookkeeping and another's sealed copy are damaged on disk.
    const metaBytes = readFileSync(join(f.dir, `${damagedMeta!.id}.meta`));
    writeFileSync(join(f.dir, `${damagedMeta!.id}.meta`), Buffer.concat([metaBytes.subarray(0, 40), Buffer.from('rikki'), metaBytes.subarray(45)]));
    writeFileSync(join(f.dir, `${damagedCopy!.id}.sealed`), Buffer.from('ei sinetöity'));
    const sealedBefore = readFileSync(join(f.dir, `${damagedMeta!.id}.sealed`));

    const live = await server();
    const restarted = await open(f, () => transportTo(live.port));
    await vi.waitFor(() => expect(restarted.list()).toEqual([]), { timeout: 10_000 });
    await restarted.flush();
    expect(subjects(live)).toEqual(['ehja']);
    expect(
      restarted
        .damaged()
        .map((d) => [d.id, d.code])
        .sort(),
    ).toEqual(
      [
        [damagedCopy!.id, 'SECRET_CORRUPT'],
        [damagedMeta!.id, 'SECRET_CORRUPT'],
      ].sort(),
    );
    // Loses nothing: the bytes are kept aside, exactly as they were.
    const quarantine = join(f.dir, 'quarantine');
    expect(readFileSync(join(quarantine, `${damagedMeta!.id}.sealed`))).toEqual(sealedBefore);
    expect(existsSync(join(quarantine, `${damagedCopy!.id}.meta`))).toBe(true);
    expect(existsSync(join(f.dir, `${damagedMeta!.id}.meta`))).toBe(false);
    // Reopening does not bring them back into the queue, and still reports them.
    restarted.stop();
    const again = await open(f, () => transportTo(live.port));
    await again.flush();
    expect(again.list()).toEqual([]);
    expect(again.damaged()).toHaveLength(2);
    expect(subjects(live)).toEqual(['ehja']);
    // Only the person's explicit removal deletes one.
    again.discard(damagedCopy!.id);
    expect(again.damaged().map((d) => d.id)).toEqual([damagedMeta!.id]);
  });

  it('never lets a failure inside delivery become an unhandled rejection, and keeps the next retry scheduled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    cleanup.push(() => process.off('unhandledRejection', onUnhandled));
    const f = fixture();
    // The keychain locks after the copy was stored: opening it (and saving state) fails for a while.
    let locked = false;
    const secrets = new (class extends SecretStore {
      override async open(name: string, sealed: Buffer) {
        if (locked) throw new ServiceError('KEYCHAIN_LOCKED', 'The keychain is locked.');
        return super.open(name, sealed);
      }
      override async seal(name: string, data: Uint8Array) {
        if (locked && name.startsWith('outbox-meta:')) throw new ServiceError('KEYCHAIN_LOCKED', 'The keychain is locked.');
        return super.seal(name, data);
      }
    })(new MemoryKeychain(), join(f.dir, '..', 'data2'));
    const live = await server();
    const outbox = await Outbox.open({ dir: f.dir, secrets, transportFor: async () => transportTo(live.port), backoffMs: () => 0, vaultRetryMs: 50 });
    cleanup.push(() => outbox.stop());
    locked = true;
    await outbox.enqueue('acc', 'k@sinetti.test', [envelope('lukittu')]).catch(() => undefined);
    // enqueue seals the meta too: with the lock on, it is refused as a whole and nothing is queued.
    expect(outbox.list()).toEqual([]);
    locked = false;
    await outbox.enqueue('acc', 'k@sinetti.test', [envelope('lukittu')]);
    locked = true;
    await outbox.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(outbox.list()[0]).toMatchObject({ state: 'queued', lastError: { code: 'KEYCHAIN_LOCKED' } });
    expect(live.received).toEqual([]);
    // Unlocked: the scheduled retry delivers it without anyone calling flush.
    locked = false;
    await vi.waitFor(() => expect(subjects(live)).toEqual(['lukittu']), { timeout: 10_000 });
    expect(unhandled).toEqual([]);
  });
});
