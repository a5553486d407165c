/**
 * `npm run inspect` on signed-only, wrapped, inline and display-name-trick messages, and on
 * signatures by expired and revoked keys: the same verdicts as the app (it runs the same
 * reading code), `partial` with the covered part, and exit codes 0 / 4 / 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CRLF, encryptedEntity, mailHeaders, message, multipart, signedEntity, textEntity } from '../support/fixtures/pgp-attack-mail.js';
import { createGpg, type Gpg } from '../support/gpg.js';

const root = resolve(import.meta.dirname, '..', '..');
const PASS = 'inspect-salalause-2';
const dir = mkdtempSync(join(tmpdir(), 'sinetti-inspect-signed-'));
const PARTNER = 'Kumppani <kumppani@kela.example>';
let gpg: Gpg;
let person: string;
let partner: string;

function inspect(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'main/cli/inspect.ts'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function keyFor(uid: string, extra: string[] = [], expiry = '1y'): Promise<string> {
  await gpg.run(['--passphrase', PASS, ...extra, '--quick-gen-key', uid, 'ed25519', 'sign,cert', expiry]);
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec((await gpg.run(['--with-colons', '--list-keys', uid])).stdout.toString())![1]!;
  await gpg.run(['--passphrase', PASS, ...extra, '--quick-add-key', fpr, 'cv25519', 'encr', expiry]);
  return fpr;
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const exportPublic = async (fpr: string, name: string) => file(name, (await gpg.run(['--armor', '--export', fpr])).stdout);
const keyArgs = () => ['--key', join(dir, 'person.asc'), '--key', join(dir, 'partner.asc'), '--passphrase-file', join(dir, 'pass.txt')];
const to = 'anna@kunta.example';

beforeAll(async () => {
  gpg = createGpg();
  person = await keyFor('Anna <anna@kunta.example>');
  partner = await keyFor(PARTNER);
  file('person.asc', (await gpg.run(['--passphrase', PASS, '--armor', '--export-secret-keys', person])).stdout);
  await exportPublic(partner, 'partner.asc');
  file('pass.txt', `${PASS}\n`);
}, 60_000);

describe('inspect: signed-only and wrapped PGP/MIME', () => {
  it('a signed root by the From address: good, not encrypted, exit 0', async () => {
    const eml = file('signed.eml', message(mailHeaders(PARTNER, to, 'Allekirjoitettu'), await signedEntity(gpg, partner, PASS, textEntity('Hei.'))));
    const run = inspect(eml, ...keyArgs(), '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      encrypted: false,
      format: 'pgp-mime',
      integrity: 'not-applicable',
      signature: { verdict: 'good', fingerprint: partner, matchesFrom: true, acceptance: 'unverified' },
    });
  });

  it('MIME wrapping: partial with the covered part, also in the text output', async () => {
    const genuine = await signedEntity(gpg, partner, PASS, textEntity('Aito.'));
    const eml = file('wrapped.eml', message(mailHeaders(PARTNER, to, 'Kääritty'), multipart('mixed', [textEntity('Hyökkääjän teksti.'), genuine])));
    const json = JSON.parse(inspect(eml, ...keyArgs(), '--json').stdout);
    expect(json.signature).toMatchObject({ verdict: 'partial', coveredPart: '2', fingerprint: partner, matchesFrom: true });
    const text = inspect(eml, ...keyArgs());
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/signature:\s+partial \(covers only part 2\)/);
  });

  it('a display-name trick and several From headers are printed plainly', async () => {
    const eml = file(
      'names.eml',
      message(mailHeaders(['"kumppani@kela.example" <evil@x.example>', 'Toinen <toinen@x.example>'], to, 'Nimet'), textEntity('Hei.')),
    );
    const run = inspect(eml, '--json');
    expect(JSON.parse(run.stdout).identity).toEqual({ fromAddresses: ['evil@x.example', 'toinen@x.example'], displayNameAddress: 'kumppani@kela.example' });
    expect(inspect(eml).stdout).toMatch(/several From addresses: no signature counts/);
  });
});

describe('inspect: inline PGP', () => {
  it('a whole-body inline encrypted, signed message is decrypted and verified (exit 0); without the key it is refused (exit 4)', async () => {
    const armored = (
      await gpg.run(['--passphrase', PASS, '--armor', '--sign', '--local-user', partner, '--encrypt', '--recipient', person], 'Inline salaisuus.')
    ).stdout.toString();
    const eml = file('inline.eml', message(mailHeaders(PARTNER, to, 'Inline'), textEntity(armored.replace(/\n/g, CRLF))));
    const run = inspect(eml, ...keyArgs(), '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      format: 'inline',
      encrypted: true,
      decrypted: true,
      integrity: 'protected',
      signature: { verdict: 'good', fingerprint: partner },
    });
    expect(run.stdout).not.toContain('Inline salaisuus');
    const refused = inspect(eml, '--json');
    expect(refused.code).toBe(4);
    expect(JSON.parse(refused.stdout)).toMatchObject({ format: 'inline', encrypted: true, decrypted: false });
  });

  it('an inline block after ordinary text is reported as not opened (exit 0, nothing decrypted)', async () => {
    const armored = (await gpg.run(['--armor', '--encrypt', '--recipient', person], 'Vanha salaisuus.')).stdout.toString();
    const eml = file(
      'inline-after.eml',
      message(mailHeaders('Hyökkääjä <attacker@example.net>', to, 'Re: Hei'), textEntity(`Vastaa tähän.${CRLF}${armored.replace(/\n/g, CRLF)}`)),
    );
    const run = inspect(eml, ...keyArgs(), '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ format: 'none', encrypted: false, decrypted: false, unopened: [{ partId: '1', kind: 'inline-encrypted' }] });
    expect(inspect(eml, ...keyArgs()).stdout).toMatch(/not opened:\s+part 1 \(inline-encrypted\)/);
  });
});

describe('inspect: keys that cannot be used', () => {
  it('a wrong passphrase for a --key is unreadable input (exit 2) with a clear message, and nothing is decrypted', async () => {
    const armored = (await gpg.run(['--armor', '--encrypt', '--recipient', person], 'Content-Type: text/plain\r\n\r\nsalainen\r\n')).stdout.toString();
    const eml = file('wrongpass.eml', message(mailHeaders(PARTNER, to, '...'), encryptedEntity(armored)));
    const run = inspect(eml, '--key', join(dir, 'person.asc'), '--passphrase-file', file('wrong.txt', 'väärä\n'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^inspect: wrong passphrase for the key [0-9A-F]{40}/);
    expect(run.stdout).toBe('');
    const none = inspect(eml, '--key', join(dir, 'person.asc'));
    expect(none).toMatchObject({ code: 2, stderr: expect.stringMatching(/passphrase-protected: give --passphrase-file/) });
  });
});

describe('inspect: signer keys that expired or were revoked', () => {
  it('a signature made while the key was valid, by a key that has since expired: the verdict stands, with the expiry said', async () => {
    const then = ['--faked-system-time', '20250101T000000'];
    const old = await keyFor('Vanha <vanha@kela.example>', then, '2d');
    await exportPublic(old, 'old.asc');
    // Sent when it was signed (a Date header far from the signature's time is never good).
    const sentThen = mailHeaders('Vanha <vanha@kela.example>', to, 'Vanha').map((h) => (h.startsWith('Date:') ? 'Date: Wed, 01 Jan 2025 01:00:00 +0000' : h));
    const eml = file(
      'expired.eml',
      message(sentThen, await signedEntity(gpg, old, PASS, textEntity('Vanha viesti.'), ['--faked-system-time', '20250101T010000'])),
    );
    const json = JSON.parse(inspect(eml, '--key', join(dir, 'old.asc'), '--json').stdout);
    expect(json.signature).toMatchObject({ verdict: 'good', keyProblem: 'expired', fingerprint: old });
  });

  it('a signature by a key revoked afterwards does not count: bad, key revoked', async () => {
    const revoked = await keyFor('Mitatoity <mitatoity@kela.example>');
    const eml = file(
      'revoked.eml',
      message(mailHeaders('Mitatoity <mitatoity@kela.example>', to, 'Mitätöity'), await signedEntity(gpg, revoked, PASS, textEntity('Ennen mitätöintiä.'))),
    );
    // gpg writes a revocation certificate for every new key; importing it revokes the key.
    const certificate = readFileSync(join(gpg.home, 'openpgp-revocs.d', `${revoked}.rev`), 'utf8').replace(/^:-----/m, '-----');
    await gpg.run(['--import'], certificate);
    await exportPublic(revoked, 'revoked.asc');
    const run = inspect(eml, '--key', join(dir, 'revoked.asc'), '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).signature).toMatchObject({ verdict: 'bad', keyProblem: 'revoked', matchesFrom: false });
  });
});
