/**
 * Personal OpenPGP keys: generate, import, export the public half, list. Private keys stay in
 * this (main) process: they are kept in openpgp.js's own passphrase protection when a passphrase
 * is used, and always sealed on disk under the vault key from the OS keychain (SecretStore). No
 * method returns private key material.
 */
import { decryptKey, enums, generateKey, readKey, readPrivateKey, revokeKey, type Key, type PrivateKey } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { groupFingerprint } from './fingerprint.js';
import type { KeyAcceptance, KeySource } from './key-provider.js';
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
  /** The private key is under its own passphrase (besides the vault). */
  protectedByPassphrase: boolean;
  /** Until when an unlocked passphrase key stays unlocked in this session; null while locked. */
  unlockedUntil: number | null;
  /** The key expires within the warning period: time to renew it. */
  expiresSoon: boolean;
}

export type RevocationReason = 'compromised' | 'superseded' | 'retired';

export interface KeyServiceOptions {
  /** How long a passphrase unlock lasts (managed policy sets it; default 30 minutes); a function is asked at each unlock, so IT's change applies while running. */
  unlockMinutes?: number | (() => number);
  /** How early to warn that the person's own key expires (default 30 days). */
  expiryWarningDays?: number;
  /** The managed policy's `crypto.passphraseRequired`, read at each generate/import (IT may change it). */
  passphraseRequired?: () => boolean;
  now?: () => number;
}

const INDEX = 'openpgp:personal:index';
const secretName = (fingerprint: string) => `openpgp:personal:${fingerprint}`;
const revocationName = (fingerprint: string) => `openpgp:personal:${fingerprint}:revocation`;

export class KeyService implements KeySource {
  /** Parsed keys as stored (passphrase keys still locked), so opening a message does not re-parse the vault. */
  private readonly parsed = new Map<string, PrivateKey>();
  /**
   * Passphrase keys unlocked for this session only: in memory, never written anywhere, dropped
   * when the unlock period ends, on lock() and when the process exits.
   */
  private readonly unlocked = new Map<string, { key: PrivateKey; until: number }>();
  private readonly unlockMs: () => number;
  private readonly warnMs: number;
  private readonly now: () => number;
  private readonly passphraseRequired: () => boolean;

  constructor(
    private readonly secrets: SecretStore,
    private readonly events?: DomainEventBus,
    options: KeyServiceOptions = {},
  ) {
    const minutes = options.unlockMinutes ?? 30;
    this.unlockMs = () => (typeof minutes === 'function' ? minutes() : minutes) * 60_000;
    this.warnMs = (options.expiryWarningDays ?? 30) * 86_400_000;
    this.now = options.now ?? Date.now;
    this.passphraseRequired = options.passphraseRequired ?? (() => false);
  }

  async generate(options: { name: string; email: string; algorithm?: KeyAlgorithmChoice; passphrase?: string; expiresInDays?: number }): Promise<KeySummary> {
    if (this.passphraseRequired() && !options.passphrase)
      throw new ServiceError('VALIDATION', 'Your organisation requires a passphrase for your key: choose one.');
    const algorithm = options.algorithm ?? 'curve25519';
    const { privateKey, revocationCertificate } = await generateKey({
      userIDs: [{ name: options.name, email: options.email }],
      ...(algorithm === 'curve25519'
        ? { type: 'ecc' as const, curve: 'curve25519Legacy' as const }
        : { type: 'rsa' as const, rsaBits: algorithm === 'rsa3072' ? 3072 : 4096 }),
      ...(options.passphrase ? { passphrase: options.passphrase } : {}),
      keyExpirationTime: options.expiresInDays ? options.expiresInDays * 86_400 : 0,
      format: 'object',
      config: OPENPGP_CONFIG,
    });
    // Kept from the start, so the key can be revoked even after its passphrase is forgotten.
    await this.secrets.set(revocationName(privateKey.getFingerprint().toUpperCase()), revocationCertificate);
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
    // An unprotected key would be held under the vault key alone, which the policy does not allow.
    if (this.passphraseRequired() && key.isDecrypted())
      throw new ServiceError(
        'VALIDATION',
        'Your organisation requires a passphrase for your key: protect it with one (e.g. gpg --edit-key, passwd) and import it again.',
      );
    return this.store(key, 'imported');
  }

  async list(): Promise<KeySummary[]> {
    const out: KeySummary[] = [];
    for (const fingerprint of await this.index()) {
      const key = await this.load(fingerprint);
      if (key) out.push(await this.summary(key));
    }
    return out;
  }

  /**
   * Unlocks a passphrase key for this session (until the policy's unlock period ends). The
   * Argon2/iterated S2K costs a noticeable moment, so it happens once, not per message.
   */
  async unlock(fingerprint: string, passphrase: string): Promise<KeySummary> {
    const key = await this.require(fingerprint);
    if (key.isDecrypted()) return this.summary(key);
    let unlocked: PrivateKey;
    try {
      unlocked = await decryptKey({ privateKey: key, passphrase, config: OPENPGP_CONFIG });
    } catch {
      throw new ServiceError('WRONG_PASSPHRASE', 'The passphrase is wrong; the key stays locked.');
    }
    const id = key.getFingerprint().toUpperCase();
    this.unlocked.set(id, { key: unlocked, until: this.now() + this.unlockMs() });
    this.events?.emit({ type: 'openpgp.key.unlocked', fingerprint: id, at: this.now() });
    return this.summary(key);
  }

  lock(fingerprint?: string): void {
    if (fingerprint) this.unlocked.delete(fingerprint.toUpperCase());
    else this.unlocked.clear();
  }

  /**
   * Revokes the person's own key (lost device, leaked key, replaced): the revoked public key is
   * what correspondents must receive next, so export it after this.
   */
  async revoke(fingerprint: string, reason: RevocationReason, description = ''): Promise<KeySummary> {
    const key = await this.require(fingerprint);
    const id = key.getFingerprint().toUpperCase();
    const flag = {
      compromised: enums.reasonForRevocation.keyCompromised,
      superseded: enums.reasonForRevocation.keySuperseded,
      retired: enums.reasonForRevocation.keyRetired,
    }[reason];
    const signer = this.usable(key);
    let revoked: PrivateKey;
    if (signer) {
      const revokedUnlocked = (await revokeKey({ key: signer, reasonForRevocation: { flag, string: description }, format: 'object', config: OPENPGP_CONFIG }))
        .privateKey!;
      // A passphrase key stays under its passphrase: only the revocation signature is merged in.
      revoked = key.isDecrypted() ? revokedUnlocked : ((await key.update(revokedUnlocked.toPublic(), undefined, OPENPGP_FULL_CONFIG)) as PrivateKey);
    } else {
      // Locked and the passphrase is gone: the certificate made at creation still revokes it.
      const certificate = await this.secrets.get(revocationName(id));
      if (!certificate) throw new ServiceError('KEY_LOCKED', 'Unlock the key with its passphrase to revoke it, or apply its revocation certificate.');
      revoked = (await revokeKey({ key, revocationCertificate: certificate, format: 'object', config: OPENPGP_CONFIG })).privateKey!;
    }
    await this.replace(id, revoked);
    this.events?.emit({ type: 'openpgp.key.revoked', fingerprint: id, at: this.now() });
    return this.summary(revoked);
  }

  /** Applies a revocation certificate (made at creation, or by GnuPG) to the stored key. */
  async applyRevocationCertificate(fingerprint: string, certificate: string): Promise<KeySummary> {
    const key = await this.require(fingerprint);
    let revoked: PrivateKey;
    try {
      revoked = (await revokeKey({ key, revocationCertificate: certificate, format: 'object', config: OPENPGP_CONFIG })).privateKey!;
    } catch (error) {
      throw new ServiceError('VALIDATION', `Not a revocation certificate for this key: ${(error as Error).message}`);
    }
    const id = key.getFingerprint().toUpperCase();
    await this.replace(id, revoked);
    this.events?.emit({ type: 'openpgp.key.revoked', fingerprint: id, at: this.now() });
    return this.summary(revoked);
  }

  /** The revocation certificate to keep somewhere safe (printed, or on a USB stick in a safe). */
  async exportRevocationCertificate(fingerprint: string): Promise<string> {
    const key = await this.require(fingerprint);
    const id = key.getFingerprint().toUpperCase();
    const stored = await this.secrets.get(revocationName(id));
    if (stored) return stored;
    // Imported keys: make one now (needs the unlocked key) and keep it.
    const signer = this.usable(key);
    if (!signer) throw new ServiceError('KEY_LOCKED', 'Unlock the key with its passphrase to make a revocation certificate.');
    const { privateKey: revoked } = await revokeKey({ key: signer, format: 'object', config: OPENPGP_CONFIG });
    const certificate = await revoked!.getRevocationCertificate(undefined, OPENPGP_FULL_CONFIG);
    if (typeof certificate !== 'string') throw new ServiceError('INTERNAL', 'No revocation certificate could be made.');
    await this.secrets.set(revocationName(id), certificate);
    return certificate;
  }

  async exportPublic(fingerprint: string): Promise<string> {
    const key = await this.load(fingerprint);
    if (!key) throw new ServiceError('NOT_FOUND', 'No such key.');
    return key.toPublic().armor(OPENPGP_FULL_CONFIG);
  }

  /** Private keys usable for decryption now: unprotected ones and passphrase keys unlocked in this session. */
  async decryptionKeys(): Promise<PrivateKey[]> {
    const keys: PrivateKey[] = [];
    for (const fingerprint of await this.index()) {
      const key = await this.load(fingerprint);
      const usable = key && this.usable(key);
      if (usable) keys.push(usable);
    }
    return keys;
  }

  /** Passphrase keys that would be usable once unlocked (so the reader can say "unlock", not "no key"). */
  async lockedKeys(): Promise<PrivateKey[]> {
    const keys: PrivateKey[] = [];
    for (const fingerprint of await this.index()) {
      const key = await this.load(fingerprint);
      if (key && !this.usable(key)) keys.push(key);
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

  async acceptanceOf(fingerprint: string): Promise<KeyAcceptance | null> {
    return (await this.index()).includes(fingerprint.toUpperCase()) ? 'own' : null;
  }

  /**
   * For the crypto service in this process only: never exposed over IPC. The unlocked key when
   * the session holds one; otherwise the stored key, which is still locked if it has a passphrase.
   */
  async privateKey(fingerprint: string): Promise<PrivateKey | null> {
    const key = await this.load(fingerprint);
    return key ? (this.usable(key) ?? key) : null;
  }

  /** The key ready for use, or null while its passphrase has not unlocked it (or the unlock ran out). */
  private usable(key: PrivateKey): PrivateKey | null {
    if (key.isDecrypted()) return key;
    const id = key.getFingerprint().toUpperCase();
    const entry = this.unlocked.get(id);
    if (!entry) return null;
    if (entry.until <= this.now()) {
      this.unlocked.delete(id);
      return null;
    }
    return entry.key;
  }

  private async require(fingerprint: string): Promise<PrivateKey> {
    const key = await this.load(fingerprint);
    if (!key) throw new ServiceError('NOT_FOUND', 'No such key.');
    return key;
  }

  private async replace(fingerprint: string, key: PrivateKey): Promise<void> {
    await this.secrets.set(secretName(fingerprint), key.armor(OPENPGP_FULL_CONFIG));
    this.parsed.set(fingerprint, key);
    const unlocked = this.unlocked.get(fingerprint);
    if (unlocked && !key.isDecrypted()) this.unlocked.set(fingerprint, { key: await decryptedTwin(key, unlocked.key), until: unlocked.until });
    else this.unlocked.delete(fingerprint);
  }

  private async summary(key: PrivateKey): Promise<KeySummary> {
    const base = await summarize(key);
    const entry = this.unlocked.get(base.fingerprint);
    const unlockedUntil = !base.protectedByPassphrase ? null : entry && entry.until > this.now() ? entry.until : null;
    const expiresSoon = !base.revoked && base.expires !== null && base.expires - this.now() < this.warnMs;
    return { ...base, unlockedUntil, expiresSoon };
  }

  private async store(key: PrivateKey, how: 'generated' | 'imported'): Promise<KeySummary> {
    const fingerprint = key.getFingerprint().toUpperCase();
    await this.secrets.set(secretName(fingerprint), key.armor(OPENPGP_FULL_CONFIG));
    this.parsed.set(fingerprint, key);
    const index = await this.index();
    if (!index.includes(fingerprint)) await this.secrets.set(INDEX, JSON.stringify([...index, fingerprint]));
    this.events?.emit({ type: how === 'generated' ? 'openpgp.key.generated' : 'openpgp.key.imported', fingerprint, at: this.now() });
    return this.summary(key);
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
  if (expires !== Infinity && expires !== null && new Date(expires as Date).getTime() < Date.now())
    throw new ServiceError('VALIDATION', 'The key has expired.');
  const info = key.getAlgorithmInfo();
  if (/^rsa/i.test(String(info.algorithm)) && (info.bits ?? 0) < 2048)
    throw new ServiceError('VALIDATION', `The key is too weak (RSA ${info.bits} bits; at least 2048 required).`);
  // Named before openpgp.js's generic "no valid self-signature", so the person learns why.
  const selfSignatures = key.users.flatMap((user) => user.selfCertifications);
  const weakHashes = OPENPGP_FULL_CONFIG.rejectHashAlgorithms;
  if (selfSignatures.length && selfSignatures.every((signature) => weakHashes.has(signature.hashAlgorithm!))) {
    const name = String(enums.read(enums.hash, selfSignatures[0]!.hashAlgorithm!))
      .toUpperCase()
      .replace(/^SHA(\d)$/, 'SHA-$1');
    throw new ServiceError('VALIDATION', `The key's self-signatures use ${name}, which is no longer safe; ask for a current key.`);
  }
  try {
    await key.verifyPrimaryKey(undefined, undefined, OPENPGP_FULL_CONFIG);
  } catch (error) {
    throw new ServiceError('VALIDATION', `The key's self-signature is not acceptable: ${(error as Error).message}`);
  }
}

/** The stored (locked) key with the unlocked copy's secret material: the new signatures, still unlocked. */
async function decryptedTwin(stored: PrivateKey, unlocked: PrivateKey): Promise<PrivateKey> {
  return (await unlocked.update(stored.toPublic(), undefined, OPENPGP_FULL_CONFIG)) as PrivateKey;
}

/** Public facts about a key; the session-dependent fields are filled in by the KeyService. */
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
    protectedByPassphrase: key.isPrivate() && !(key as PrivateKey).isDecrypted(),
    unlockedUntil: null,
    expiresSoon: false,
  };
}

export async function readPublicKey(armored: string): Promise<Key> {
  try {
    return await readKey({ armoredKey: armored, config: OPENPGP_CONFIG });
  } catch (error) {
    throw new ServiceError('VALIDATION', `Not a usable OpenPGP key: ${(error as Error).message}`);
  }
}
