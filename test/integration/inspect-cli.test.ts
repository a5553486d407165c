/**
 * The support/IT command `npm run inspect`: the same verdicts as the app, from a file on disk,
 * with the documented exit codes (0 shown, 4 refused, 2 unreadable).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pgpMimeEnvelope } from '../support/fixtures/pgp-mime.js';
import { createGpg, type Gpg } from '../support/gpg.js';

const root = resolve(import.meta.dirname, '..', '..');
const PASS = 'inspect-salalause';
const dir = mkdtempSync(join(tmpdir(), 'sinetti-inspect-'));
let gpg: Gpg;
let person: string;
let sender: string;

function inspect(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'main/cli/inspect.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function keyFor(uid: string): Promise<string> {
  await gpg.run(['--passphrase', PASS, '--quick-gen-key', uid, 'ed25519', 'sign,cert', '1y']);
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec((await gpg.run(['--with-colons', '--list-keys', uid])).stdout.toString())![1]!;
  await gpg.run(['--passphrase', PASS, '--quick-add-key', fpr, 'cv25519', 'encr', '1y']);
  return fpr;
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(async () => {
  gpg = createGpg();
  person = await keyFor('Anna <anna@kunta.example>');
  sender = await keyFor('Kumppani <kumppani@kela.example>');
  file('person.asc', (await gpg.run(['--passphrase', PASS, '--armor', '--export-secret-keys', person])).stdout.toString());
  file('sender.asc', (await gpg.run(['--armor', '--export', sender])).stdout.toString());
  file('pass.txt', `${PASS}\n`);
}, 60_000);

async function encryptedEml(name: string, from: string, tamper = false): Promise<string> {
  const inner = 'Content-Type: text/plain; charset=utf-8; protected-headers="v1"\r\nSubject: Päätös\r\n\r\nHei.\r\n';
  let armored = (
    await gpg.run(['--passphrase', PASS, '--armor', '--sign', '--local-user', sender, '--encrypt', '--recipient', person], inner)
  ).stdout.toString();
  if (tamper) {
    const lines = armored.split('\n');
    const i = Math.floor(lines.length / 2);
    lines[i] = lines[i]!.replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'));
    armored = lines.join('\n');
  }
  return file(name, pgpMimeEnvelope([`From: ${from}`, 'To: anna@kunta.example', 'Subject: ...', `Date: ${new Date().toUTCString()}`], armored));
}

describe('npm run inspect', () => {
  it('reports an encrypted, signed message: decrypted, protected, good signature, protected subject; exit 0', async () => {
    const eml = await encryptedEml('good.eml', 'Kumppani <kumppani@kela.example>');
    const run = inspect(eml, '--key', join(dir, 'person.asc'), '--key', join(dir, 'sender.asc'), '--passphrase-file', join(dir, 'pass.txt'), '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      encrypted: true,
      decrypted: true,
      integrity: 'protected',
      signature: { verdict: 'good', fingerprint: sender, matchesFrom: true },
      subject: 'Päätös',
    });
  });

  it('says mismatch when the signer is not the From address', async () => {
    const eml = await encryptedEml('mismatch.eml', 'Pankki <tuki@pankki.example>');
    const run = inspect(eml, '--key', join(dir, 'person.asc'), '--key', join(dir, 'sender.asc'), '--passphrase-file', join(dir, 'pass.txt'), '--json');
    expect(JSON.parse(run.stdout).signature).toMatchObject({ verdict: 'mismatch', matchesFrom: false });
  });

  it('refuses tampered ciphertext with exit 4 and no plaintext', async () => {
    const eml = await encryptedEml('tampered.eml', 'Kumppani <kumppani@kela.example>', true);
    const run = inspect(eml, '--key', join(dir, 'person.asc'), '--passphrase-file', join(dir, 'pass.txt'));
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/decrypted:\s+no/);
    expect(run.stdout).not.toContain('Hei.');
  });

  it('reports ciphertext without integrity protection as missing and refuses it (exit 4)', async () => {
    const armored = (
      await gpg.run(
        ['--armor', '--rfc2440', '--cipher-algo', 'AES256', '--no-force-mdc', '--encrypt', '--recipient', person],
        'Content-Type: text/plain\r\n\r\nsalainen\r\n',
      )
    ).stdout.toString();
    const eml = file('nomdc.eml', pgpMimeEnvelope(['From: Kumppani <kumppani@kela.example>', 'To: anna@kunta.example', 'Subject: ...'], armored));
    const run = inspect(eml, '--key', join(dir, 'person.asc'), '--passphrase-file', join(dir, 'pass.txt'), '--json');
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stdout)).toMatchObject({ encrypted: true, decrypted: false, integrity: 'missing' });
    expect(run.stdout).not.toContain('salainen');
  });

  it('without the key: exit 4 and the key IDs it needs', async () => {
    const eml = await encryptedEml('nokey.eml', 'Kumppani <kumppani@kela.example>');
    const run = inspect(eml, '--json');
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stdout).recipientKeyIds.length).toBeGreaterThan(0);
  });

  it('a signed envelope (multipart/signed around the encrypted root) is decrypted; the outer signature is reported apart, in JSON and text', async () => {
    const boundary = 'outer-sig';
    // What the outer signature covers is the canonical (CRLF) encrypted entity, armor included.
    const innerEnc = pgpMimeEnvelope(
      [],
      (await gpg.run(['--armor', '--encrypt', '--recipient', person], 'Content-Type: text/plain\r\n\r\nKuoren sisältö.\r\n')).stdout
        .toString()
        .replace(/\r?\n/g, '\r\n'),
    ).replace(/^MIME-Version: 1.0\r\n/, '');
    const signature = (await gpg.run(['--passphrase', PASS, '--armor', '--detach-sign', '--local-user', sender], innerEnc)).stdout.toString();
    const eml = file(
      'envelope.eml',
      [
        'From: Kumppani <kumppani@kela.example>',
        'To: anna@kunta.example',
        'Subject: ...',
        `Date: ${new Date().toUTCString()}`,
        'MIME-Version: 1.0',
        `Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        innerEnc,
        `--${boundary}`,
        'Content-Type: application/pgp-signature',
        '',
        signature,
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    );
    const args = [eml, '--key', join(dir, 'person.asc'), '--key', join(dir, 'sender.asc'), '--passphrase-file', join(dir, 'pass.txt')];
    const json = inspect(...args, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      encrypted: true,
      decrypted: true,
      integrity: 'protected',
      signature: { verdict: 'none' },
      outerSignature: { protocol: 'openpgp', status: 'good', fingerprint: sender },
    });
    expect(inspect(...args).stdout).toMatch(/outer sig\.:\s+openpgp signature around the encrypted part \(covers the ciphertext only\): good/);
  });

  it('labelled encrypted without ciphertext: not encrypted, refused (exit 4), nothing of it printed', async () => {
    const clearsigned = (await gpg.run(['--passphrase', PASS, '--clearsign', '--local-user', sender], 'Olet irtisanottu.')).stdout.toString();
    const eml = file('not-ciphertext.eml', pgpMimeEnvelope(['From: Kumppani <kumppani@kela.example>', 'To: anna@kunta.example', 'Subject: ...'], clearsigned));
    const run = inspect(eml, '--key', join(dir, 'person.asc'), '--key', join(dir, 'sender.asc'), '--passphrase-file', join(dir, 'pass.txt'), '--json');
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stdout)).toMatchObject({
      encrypted: false,
      notCiphertext: true,
      decrypted: false,
      integrity: 'not-applicable',
      signature: { verdict: 'none' },
    });
    expect(run.stdout).not.toContain('irtisanottu');
  });

  it('a signature a year away from the Date header is date-mismatch, with both times', async () => {
    const inner = 'Content-Type: text/plain\r\n\r\nHei.\r\n';
    const armored = (
      await gpg.run(['--passphrase', PASS, '--armor', '--sign', '--local-user', sender, '--encrypt', '--recipient', person], inner)
    ).stdout.toString();
    const eml = file(
      'old-date.eml',
      pgpMimeEnvelope(
        [
          'From: Kumppani <kumppani@kela.example>',
          'To: anna@kunta.example',
          'Subject: ...',
          `Date: ${new Date(Date.now() - 365 * 24 * 3600 * 1000).toUTCString()}`,
        ],
        armored,
      ),
    );
    const run = inspect(eml, '--key', join(dir, 'person.asc'), '--key', join(dir, 'sender.asc'), '--passphrase-file', join(dir, 'pass.txt'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/signature:\s+date-mismatch \(signed \d{4}-.*, but the Date header says \d{4}-/);
  });

  it('unreadable input or bad usage: exit 2 with a clear message', () => {
    expect(inspect(join(dir, 'does-not-exist.eml'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/^inspect: .*no such file/i) });
    expect(inspect('--bogus')).toMatchObject({ code: 2, stderr: expect.stringMatching(/unknown option/) });
  });
});
