/**
 * Update control with a fake updater and real signatures: off unless the managed configuration
 * allows it, notify-only or automatic, the organisation's signature checked on every platform
 * (fail closed, and again right before installing), and never while the outbox holds a message
 * or a composer is open.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { WorkInProgress } from '../../../shared/work-in-progress-schema.js';
import { createLogger } from '../../../main/services/logging/logger.js';
import type { ShellManagedSettings } from '../../../main/services/shell-managed-settings.js';
import { UpdateController, type UpdaterPort } from '../../../main/electron/updates/update-controller.js';
import { SIGNATURE_FORMAT, sha512OfFile, signedStatement, verifyUpdateFile } from '../../../main/electron/updates/update-signature.js';

const org = generateKeyPairSync('ed25519');
const orgPem = org.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('ed25519');
const FEED = 'https://paivitykset.kunta.example/sinetti';

async function installer(version = '1.2.0', name = `Sinetti-Setup-${version}-x64.exe`) {
  const file = join(mkdtempSync(join(tmpdir(), 'sinetti-update-')), name);
  writeFileSync(file, `installer bytes for ${version}`);
  return file;
}

async function signatureFor(file: string, version: string, key = org.privateKey, overrides: Record<string, unknown> = {}) {
  const sha512 = await sha512OfFile(file);
  const name = file.split('/').pop()!;
  const signature = sign(null, signedStatement(name, version, sha512), key).toString('base64');
  return JSON.stringify({ format: SIGNATURE_FORMAT, file: name, version, sha512, signature, ...overrides });
}

function setup(
  options: {
    updates?: Partial<ShellManagedSettings['updates']>;
    offered?: string | null;
    file?: string;
    signature?: string;
    work?: WorkInProgress | Error;
    key?: string | null;
    installerOff?: boolean;
  } = {},
) {
  const updates: ShellManagedSettings['updates'] = { enabled: true, channel: 'automatic', url: FEED, ...options.updates };
  const updater = {
    configure: vi.fn<UpdaterPort['configure']>(),
    check: vi.fn<UpdaterPort['check']>(async () => (options.offered === null ? null : { version: options.offered ?? '1.2.0' })),
    download: vi.fn<UpdaterPort['download']>(async () => options.file ?? ''),
    install: vi.fn<UpdaterPort['install']>(),
  };
  const fetched: string[] = [];
  const notified: string[] = [];
  const controller = new UpdateController({
    settings: () => updates,
    installerSwitchedOff: () => options.installerOff ?? false,
    organisationKey: () => (options.key === undefined ? orgPem : options.key),
    updater,
    fetchSignature: async (url) => {
      fetched.push(url);
      return options.signature ?? '';
    },
    workInProgress: async () => {
      if (options.work instanceof Error) throw options.work;
      return options.work ?? { outbox: 0, openComposers: 0 };
    },
    notify: (version) => notified.push(version),
    logger: createLogger('test', { sink: () => undefined }),
  });
  return { controller, updater, fetched, notified, updates };
}

describe('update control', () => {
  it('does nothing at all unless the managed configuration enables it with an https URL, a key and no installer switch', async () => {
    for (const [options, reason] of [
      [{ updates: { enabled: false } }, 'disabled'],
      [{ updates: { url: null } }, 'no-url'],
      [{ updates: { url: 'http://paivitykset.kunta.example/sinetti' } }, 'no-url'],
      [{ installerOff: true }, 'installer-switch'],
      [{ key: null }, 'no-key'],
    ] as const) {
      const { controller, updater } = setup(options);
      expect(await controller.check()).toEqual({ state: 'off', reason });
      expect(updater.configure).not.toHaveBeenCalled();
      expect(updater.check).not.toHaveBeenCalled();
    }
  });

  it('notify-only tells the person and downloads nothing', async () => {
    const { controller, updater, notified } = setup({ updates: { channel: 'notify' } });
    expect(await controller.check()).toEqual({ state: 'notified', version: '1.2.0' });
    expect(updater.configure).toHaveBeenCalledWith(FEED);
    expect(notified).toEqual(['1.2.0']);
    expect(updater.download).not.toHaveBeenCalled();
    expect(await controller.installIfIdle()).toBe(false);
  });

  it('installs an update signed by the organisation, from the signature next to it, only when nothing is in progress', async () => {
    const file = await installer();
    const { controller, updater, fetched } = setup({ file, signature: await signatureFor(file, '1.2.0') });
    expect(await controller.check()).toEqual({ state: 'ready', version: '1.2.0' });
    expect(fetched).toEqual([`${FEED}/Sinetti-Setup-1.2.0-x64.exe.sig`]);
    expect(await controller.installIfIdle()).toBe(true);
    expect(updater.install).toHaveBeenCalledOnce();
  });

  it('never installs while the outbox holds a message, a composer is open, or that cannot be known', async () => {
    const file = await installer();
    const signature = await signatureFor(file, '1.2.0');
    for (const work of [{ outbox: 1, openComposers: 0 }, { outbox: 0, openComposers: 1 }, new Error('LOCKED')]) {
      const { controller, updater } = setup({ file, signature, work });
      expect((await controller.check()).state).toBe('ready');
      expect(await controller.installIfIdle()).toBe(false);
      expect(updater.install).not.toHaveBeenCalled();
    }
  });

  it('refuses an update whose signature is by another key, for another version or file, malformed, or missing', async () => {
    const file = await installer();
    const cases = [
      await signatureFor(file, '1.2.0', other.privateKey),
      await signatureFor(file, '1.1.0'),
      await signatureFor(file, '1.2.0', org.privateKey, { file: 'Sinetti-Setup-1.2.0-arm64.exe' }),
      await signatureFor(file, '1.2.0', org.privateKey, { sha512: 'a'.repeat(128) }),
      '{"format":"sinetti-update-signature-v1"}',
      '',
    ];
    for (const signature of cases) {
      const { controller, updater } = setup({ file, signature });
      expect(await controller.check()).toMatchObject({ state: 'refused', version: '1.2.0' });
      expect(await controller.installIfIdle()).toBe(false);
      expect(updater.install).not.toHaveBeenCalled();
    }
  });

  it('checks the file again right before installing: a file changed after the check is not run', async () => {
    const file = await installer();
    const { controller, updater } = setup({ file, signature: await signatureFor(file, '1.2.0') });
    expect((await controller.check()).state).toBe('ready');
    writeFileSync(file, 'something else');
    expect(await controller.installIfIdle()).toBe(false);
    expect(updater.install).not.toHaveBeenCalled();
  });

  it('stops installing when the organisation turns updates off while the app runs', async () => {
    const file = await installer();
    const { controller, updater, updates } = setup({ file, signature: await signatureFor(file, '1.2.0') });
    expect((await controller.check()).state).toBe('ready');
    updates.enabled = false;
    expect(await controller.installIfIdle()).toBe(false);
    expect(updater.install).not.toHaveBeenCalled();
  });

  it('accepts only an Ed25519 organisation key', async () => {
    const file = await installer();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(verifyUpdateFile(file, await signatureFor(file, '1.2.0'), rsa, '1.2.0')).rejects.toThrow(/Ed25519/);
    await expect(verifyUpdateFile(file, await signatureFor(file, '1.2.0'), 'not a key', '1.2.0')).rejects.toThrow(/readable/);
    await expect(verifyUpdateFile(file, await signatureFor(file, '1.2.0'), orgPem, '1.2.0')).resolves.toBeUndefined();
  });

  it('accepts what IT’s signing script (scripts/sign-update.mjs) writes', async () => {
    const file = await installer('2.0.1');
    const keyFile = join(mkdtempSync(join(tmpdir(), 'sinetti-key-')), 'org.pem');
    writeFileSync(keyFile, org.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync(process.execPath, [fileURLToPath(new URL('../../../scripts/sign-update.mjs', import.meta.url)), file, '2.0.1', keyFile]);
    await expect(verifyUpdateFile(file, readFileSync(`${file}.sig`, 'utf8'), orgPem, '2.0.1')).resolves.toBeUndefined();
  });

  it('reports a failed check without installing anything', async () => {
    const { controller, updater } = setup();
    updater.check.mockRejectedValueOnce(new Error('net::ERR_CONNECTION_REFUSED'));
    expect(await controller.check()).toEqual({ state: 'failed', reason: 'net::ERR_CONNECTION_REFUSED' });
    expect(await controller.installIfIdle()).toBe(false);
  });
});
