/**
 * OpenPGP figures (issue 3): decrypt+verify and encrypt+sign of 1 KiB, 100 KiB and 10 MiB with
 * Sinetti's crypto service in-process (median of several runs) against `gpg` as a whole process
 * on the same messages and keys, in the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateKey, readKey, readPrivateKey } from 'openpgp';
import { decryptAndVerify, encryptAndSign } from '../main/services/crypto/message-crypto.js';
import { median } from './stats.js';

const home = mkdtempSync(join(tmpdir(), 'sinetti-bench-gpg-'));
const gpg = (args: string[], input?: Buffer | string) =>
  execFileSync('gpg', ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', '--trust-model', 'always', ...args], {
    input,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'ignore'],
  });

async function time(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const generated = await generateKey({ userIDs: [{ name: 'Bench', email: 'bench@sinetti.test' }], type: 'ecc', curve: 'curve25519Legacy', format: 'armored' });
  const privateKey = await readPrivateKey({ armoredKey: generated.privateKey });
  const publicKey = await readKey({ armoredKey: generated.publicKey });
  gpg(['--import'], generated.privateKey);
  const fpr = privateKey.getFingerprint().toUpperCase();

  console.log('\nOpenPGP (Curve25519, v4 keys): Sinetti in-process (median) vs gpg whole process (median)');
  for (const [label, size, runs] of [
    ['1 KiB', 1024, 25],
    ['100 KiB', 100 * 1024, 15],
    ['10 MiB', 10 * 1024 * 1024, 3],
  ] as const) {
    const data = Buffer.alloc(size, 'Asiakastieto luottamuksellinen. ');
    const armored = await encryptAndSign(data, [publicKey], privateKey);
    const sinettiDecrypt = await time(runs, () => decryptAndVerify(armored, [privateKey], [publicKey]));
    const gpgDecrypt = await time(runs, () => gpg(['--decrypt'], armored));
    const sinettiEncrypt = await time(runs, () => encryptAndSign(data, [publicKey], privateKey));
    const gpgEncrypt = await time(runs, () => gpg(['--armor', '--sign', '--local-user', fpr, '--encrypt', '--recipient', fpr], data));
    console.log(
      `${label.padEnd(8)} decrypt+verify ${sinettiDecrypt.toFixed(1).padStart(8)} ms  gpg ${gpgDecrypt.toFixed(1).padStart(8)} ms  ratio ${(sinettiDecrypt / gpgDecrypt).toFixed(2)}`,
    );
    console.log(
      `${''.padEnd(8)} encrypt+sign   ${sinettiEncrypt.toFixed(1).padStart(8)} ms  gpg ${gpgEncrypt.toFixed(1).padStart(8)} ms  ratio ${(sinettiEncrypt / gpgEncrypt).toFixed(2)}`,
    );
  }
  console.log('targets: 100 KiB decrypt+verify < 20 ms; 10 MiB within 2× of gpg');
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    // The agent gpg started for this home would otherwise keep running after the benchmark.
    execFileSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  });
