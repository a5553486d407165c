/**
 * Personal OpenPGP keys: generate, import, export the public half, list. Private keys stay in
 * this (main) process: they are kept in openpgp.js's own passphrase protection when a passphrase
 * is used, and always sealed on disk under the vault key from the OS keychain (SecretStore). No
 * method returns private key material.
 */
import { generateKey, readKey, readPrivateKey, type Key, type PrivateKey } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { groupFingerprint } from './fingerprint.js';
import { OPENPGP_CONFIG, OPENPGP_FULL_CONFIG } from './openpgp-policy.js';

export type KeyAlgorithmChoice = 'curve25519' | 'rsa3072' | 'rsa4096';

export interface KeySummary {
  fingerprint: string;
  /** Grouped in fours for reading aloud. */
  fingerprintGrouped: string;
  keyId: string;
  userIds: string[];
  algorithm: string;
  created: number;
  /** Milliseconds since epoch; null when the key does not expire. */
  expires: number | null;
  revoked: boolean;
  hasSecret: boolean;
}

const INDEX = 'openpgp:personal:index';
const secretName = (fingerprint: string) => `openpgp:personal:${fingerprint}`;

export class KeyService {
  /** Parsed keys, so opening a message does not re-read and re-parse every key from the vault. */
  private readonly parsed = new Map<string, PrivateKey>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly events?: DomainEventBus,
  ) {}

  async generate(options: { name: string; email: string; algorithm?: KeyAlgorithmChoice; passphrase?: string; expiresInDays?: number }): Promise<KeySummary> {
    const algorithm = options.algorithm ?? 'curve25519';
    const { privateKey } = await generateKey({
      userIDs: [{ name: options.name, email: options.email }],
      ...(algorithm === 'curve25519' ? { type: 'ecc' as const, curve: 'curve25519Legacy' as const } : { type: 'rsa' as const, rsaBits: algorithm === 'rsa3072' ? 3072 : 4096 }),
      ...(options.passphrase ? { passphrase: options.passphrase } : {}),
      keyExpirationTime: options.expiresInDays ? options.expiresInDays * 86_400 : 0,
      format: 'object',
      config: OPENPGP_CONFIG,
    });
    return this.store(privateKey, 'generated');
  }

  /** Imports an armored private key (e.g. `gpg --export-secret-keys --armor`). */
  async importPrivate(armored: string): Promise<KeySummary> {
    let key: PrivateKey;
    try {
      key = await readPrivateKey({ armoredKey: armored, config: OPENPGP_CONFIG });
    } catch (error) {
      throw new ServiceError('VALIDATION', `Not a usable OpenPGP private key: ${(error as Error).message}`);
    }
    await assertUsable(key);
    return this.store(key, 'imported');
  }

  async list(): Promise<KeySummary[]> {
    const out: KeySummary[] = [];
    for (const fingerprint of await this.index()) {
      const key = await this.load(fingerprint);
      if (key) out.push(await summarize(key));
    }
    return out;
  }

  async exportPublic(fingerprint: string): Promise<string> {
    const key = await this.load(fingerprint);
    if (!key) throw new ServiceError('NOT_FOUND', 'No such key.');
    return key.toPublic().armor(OPENPGP_FULL_CONFIG);
  }

  /**
   * Private keys usable for decryption now. Keys under a passphrase stay locked until the
   * session-unlock flow exists (later), so they are not offered here.
   */
  async decryptionKeys(): Promise<PrivateKey[]> {
    const keys: PrivateKey[] = [];
    for (const fingerprint of await this.index()) {
      const key = await this.load(fingerprint);
      if (key && key.isDecrypted()) keys.push(key);
    }
    return keys;
  }

  /** Public keys known for verifying signatures (for now: the person's and imported team keys). */
  async verificationKeys(): Promise<Key[]> {
    const keys: Key[] = [];
    for (const fingerprint of await this.index()) {
      const key = await this.load(fingerprint);
      if (key) keys.push(key.toPublic());
    }
    return keys;
  }

  /** For the crypto service in this process only: never exposed over IPC. */
  async privateKey(fingerprint: string): Promise<PrivateKey | null> {
    return this.load(fingerprint);
  }

  private async store(key: PrivateKey, how: 'generated' | 'imported'): Promise<KeySummary> {
    const fingerprint = key.getFingerprint().toUpperCase();
    await this.secrets.set(secretName(fingerprint), key.armor(OPENPGP_FULL_CONFIG));
    this.parsed.set(fingerprint, key);
    const index = await this.index();
    if (!index.includes(fingerprint)) await this.secrets.set(INDEX, JSON.stringify([...index, fingerprint]));
    this.events?.emit({ type: how === 'generated' ? 'openpgp.key.generated' : 'openpgp.key.imported', fingerprint, at: Date.now() });
    return summarize(key);
  }

  private async index(): Promise<string[]> {
    const raw = await this.secrets.get(INDEX);
    return raw ? (JSON.parse(raw) as string[]) : [];
  }

  private async load(fingerprint: string): Promise<PrivateKey | null> {
    const id = fingerprint.toUpperCase();
    const cached = this.parsed.get(id);
    if (cached) return cached;
    const armored = await this.secrets.get(secretName(id));
    if (!armored) return null;
    const key = await readPrivateKey({ armoredKey: armored, config: OPENPGP_CONFIG });
    this.parsed.set(id, key);
    return key;
  }
}

/** Refuses keys nobody should rely on, with the reason: expired, revoked, or weak. */
export async function assertUsable(key: Key): Promise<void> {
  if (await key.isRevoked(undefined, undefined, undefined, OPENPGP_FULL_CONFIG)) throw new ServiceError('VALIDATION', 'The key has been revoked.');
  const expires = await key.getExpirationTime(undefined, OPENPGP_FULL_CONFIG);
  if (expires !== Infinity && expires !== null && new Date(expires as Date).getTime() < Date.now()) throw new ServiceError('VALIDATION', 'The key has expired.');
  const info = key.getAlgorithmInfo();
  if (/^rsa/i.test(String(info.algorithm)) && (info.bits ?? 0) < 2048) throw new ServiceError('VALIDATION', `The key is too weak (RSA ${info.bits} bits; at least 2048 required).`);
  try {
    await key.verifyPrimaryKey(undefined, undefined, OPENPGP_FULL_CONFIG);
  } catch (error) {
    throw new ServiceError('VALIDATION', `The key's self-signature is not acceptable: ${(error as Error).message}`);
  }
}

export async function summarize(key: Key): Promise<KeySummary> {
  const expires = await key.getExpirationTime(undefined, OPENPGP_FULL_CONFIG).catch(() => null);
  const fingerprint = key.getFingerprint().toUpperCase();
  const info = key.getAlgorithmInfo();
  return {
    fingerprint,
    fingerprintGrouped: groupFingerprint(fingerprint),
    keyId: key.getKeyID().toHex().toUpperCase(),
    userIds: key.getUserIDs(),
    algorithm: info.bits ? `${info.algorithm}-${info.bits}` : `${info.algorithm}${info.curve ? `/${info.curve}` : ''}`,
    created: key.getCreationTime().getTime(),
    expires: expires instanceof Date ? expires.getTime() : null,
    revoked: await key.isRevoked(undefined, undefined, undefined, OPENPGP_FULL_CONFIG),
    hasSecret: key.isPrivate(),
  };
}

export async function readPublicKey(armored: string): Promise<Key> {
  try {
    return await readKey({ armoredKey: armored, config: OPENPGP_CONFIG });
  } catch (error) {
    throw new ServiceError('VALIDATION', `Not a usable OpenPGP key: ${(error as Error).message}`);
  }
}
