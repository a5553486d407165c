/**
 * Trust boundary: every secret at rest. Invariants:
 * - the OS keychain holds exactly one entry, a random 256-bit vault key;
 * - every other secret is sealed with AES-256-GCM under it, bound to its name (AAD), in one file
 *   written atomically with mode 0600;
 * - a locked or unavailable keychain, a missing vault key with sealed secrets on disk, or a file
 *   that does not decrypt are errors the user sees: nothing is ever stored or returned in plaintext
 *   as a fallback, and nothing on disk is overwritten when it cannot be read.
 */
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ServiceError } from '../../../shared/result.js';
import type { KeychainBackend } from './keychain.js';

export const KEYCHAIN_SERVICE = 'fi.sinetti.desktop';
export const KEYCHAIN_ACCOUNT = 'vault-key';

const sealedSchema = z.object({ iv: z.string(), tag: z.string(), data: z.string() });
const fileSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), sealedSchema) });
type SecretsFile = z.infer<typeof fileSchema>;

export class SecretStore {
  private vaultKey: Buffer | null = null;
  private readonly filePath: string;

  constructor(
    private readonly keychain: KeychainBackend,
    dataDir: string,
  ) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.filePath = join(dataDir, 'secrets.json');
  }

  async set(name: string, secret: string): Promise<void> {
    const key = await this.key({ createIfMissing: true });
    const file = this.readFile();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    file.entries[name] = { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
    this.writeFile(file);
  }

  async get(name: string): Promise<string | null> {
    const file = this.readFile();
    const sealed = file.entries[name];
    if (!sealed) return null;
    const key = await this.key({ createIfMissing: false });
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new ServiceError('SECRET_CORRUPT', 'A stored secret could not be decrypted with the vault key from the OS keychain.');
    }
  }

  async delete(name: string): Promise<void> {
    const file = this.readFile();
    if (!(name in file.entries)) return;
    delete file.entries[name];
    this.writeFile(file);
  }

  /**
   * Seals bytes that are too large for the secrets file (queued messages, local drafts) under the
   * same vault key, bound to `name` (AAD) so one sealed file cannot be swapped for another.
   * Format: 12-byte IV, 16-byte tag, ciphertext.
   */
  async seal(name: string, data: Uint8Array): Promise<Buffer> {
    const key = await this.key({ createIfMissing: true });
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  async open(name: string, sealed: Buffer): Promise<Buffer> {
    const key = await this.key({ createIfMissing: false });
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
    } catch {
      throw new ServiceError('SECRET_CORRUPT', 'Sealed data could not be decrypted with the vault key from the OS keychain.');
    }
  }

  /**
   * Makes sure the vault key is reachable now, so a locked keychain is reported up front (the
   * composition root calls it at start-up): KEYCHAIN_LOCKED, KEYCHAIN_UNAVAILABLE, or
   * SECRET_CORRUPT when the key really is missing while secrets sealed under it exist.
   */
  async unlock(): Promise<void> {
    await this.key({ createIfMissing: true });
  }

  /**
   * The idle lock's keychain check: reads the vault key from the OS keychain again (never the copy
   * held in memory) and compares it with the one this session holds. True only when the keychain
   * hands out that same key now; a locked keychain throws KEYCHAIN_LOCKED, like every read.
   */
  async confirmVaultKey(): Promise<boolean> {
    const held = this.vaultKey;
    if (!held) {
      // Not opened yet (the keychain was locked at start): opening it now is the check.
      await this.key({ createIfMissing: false });
      return true;
    }
    const stored = await this.keychain.getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT);
    if (!stored) {
      if (this.keychain.isLocked && (await this.keychain.isLocked(KEYCHAIN_SERVICE))) {
        throw new ServiceError('KEYCHAIN_LOCKED', 'The OS keychain is locked. Unlock it (or sign in again) and try again.');
      }
      return false;
    }
    const fresh = Buffer.from(stored, 'base64');
    return fresh.length === held.length && timingSafeEqual(fresh, held);
  }

  private async key(options: { createIfMissing: boolean }): Promise<Buffer> {
    if (this.vaultKey) return this.vaultKey;
    let stored = await this.keychain.getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT);
    if (!stored && this.keychain.isLocked) {
      // Nothing read may mean "locked" (Secret Service): never conclude "missing" from that.
      if (await this.keychain.isLocked(KEYCHAIN_SERVICE)) {
        throw new ServiceError(
          'KEYCHAIN_LOCKED',
          'The OS keychain is locked, so Sinetti cannot open its vault key. Unlock the keychain (or sign in again) and try again; nothing stored has been lost.',
        );
      }
      // The probe may have opened it (an unlock prompt the person answered): read again.
      stored = await this.keychain.getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT);
    }
    if (stored) {
      const key = Buffer.from(stored, 'base64');
      if (key.length !== 32) throw new ServiceError('SECRET_CORRUPT', 'The vault key in the OS keychain is malformed.');
      this.vaultKey = key;
      return key;
    }
    const sealedCount = Object.keys(this.readFile().entries).length;
    if (sealedCount > 0 || !options.createIfMissing) {
      // A fresh key could never open what is already sealed: say so instead of starting over.
      throw new ServiceError('SECRET_CORRUPT', 'The vault key is missing from the OS keychain, so stored passwords cannot be opened. Add the accounts again.');
    }
    const fresh = randomBytes(32);
    await this.keychain.setPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT, fresh.toString('base64'));
    // Read back: some keychains accept a write they cannot return (e.g. a collection that locks).
    const check = await this.keychain.getPassword(KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT);
    if (check !== fresh.toString('base64')) {
      throw new ServiceError('KEYCHAIN_UNAVAILABLE', 'The OS keychain did not keep the vault key.');
    }
    this.vaultKey = fresh;
    return fresh;
  }

  private readFile(): SecretsFile {
    let raw: string;
    try {
      raw = readFileSync(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: {} };
      throw error;
    }
    const parsed = fileSchema.safeParse(safeJson(raw));
    if (!parsed.success) throw new ServiceError('SECRET_CORRUPT', 'The encrypted secrets file is damaged; it was left untouched.');
    return parsed.data;
  }

  private writeFile(file: SecretsFile): void {
    const temp = `${this.filePath}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(file), { mode: 0o600 });
    renameSync(temp, this.filePath);
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
