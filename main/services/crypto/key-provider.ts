/**
 * Where the reading side gets keys from. Each owner of keys (the person's own keys, the team keys
 * they hold, correspondents' public keys) is a KeySource; the composite asks all of them, so the
 * reader never needs to know where a key came from — only how far it may be trusted.
 */
import type { Key, PrivateKey } from 'openpgp';

/**
 * How far a key is trusted for signature verdicts: the person's own key, a team key they hold,
 * or a correspondent's key in one of the keyring's acceptance states.
 */
export type KeyAcceptance = 'own' | 'team' | 'verified' | 'unverified' | 'undecided' | 'rejected';

export interface KeySource {
  /** Private keys usable for decryption now (unlocked). */
  decryptionKeys(): Promise<PrivateKey[]>;
  /** Public keys for verifying signatures. Keys the person rejected are not offered. */
  verificationKeys(): Promise<Key[]>;
  /** The acceptance of a key this source owns, or null when the fingerprint is not its own. */
  acceptanceOf?(fingerprint: string): Promise<KeyAcceptance | null>;
  /** Private keys that are held but locked by a passphrase (the reader says "unlock", not "no key"). */
  lockedKeys?(): Promise<PrivateKey[]>;
}

export type KeyProvider = Required<Pick<KeySource, 'decryptionKeys' | 'verificationKeys'>> & {
  acceptanceOf(fingerprint: string): Promise<KeyAcceptance | null>;
  lockedKeys(): Promise<PrivateKey[]>;
};

export class CompositeKeyProvider implements KeyProvider {
  constructor(private readonly sources: KeySource[]) {}

  async decryptionKeys(): Promise<PrivateKey[]> {
    return dedupe((await Promise.all(this.sources.map((s) => s.decryptionKeys()))).flat());
  }

  async verificationKeys(): Promise<Key[]> {
    return dedupe((await Promise.all(this.sources.map((s) => s.verificationKeys()))).flat());
  }

  async lockedKeys(): Promise<PrivateKey[]> {
    return dedupe((await Promise.all(this.sources.map((s) => s.lockedKeys?.() ?? Promise.resolve([])))).flat());
  }

  async acceptanceOf(fingerprint: string): Promise<KeyAcceptance | null> {
    for (const source of this.sources) {
      const acceptance = await source.acceptanceOf?.(fingerprint.toUpperCase());
      if (acceptance) return acceptance;
    }
    return null;
  }
}

/** A fixed set of keys (the inspect command's --key files, tests). */
export function staticKeyProvider(secret: PrivateKey[], publicKeys: Key[], acceptance: KeyAcceptance = 'unverified'): KeyProvider {
  const all = [...secret.map((k) => k.getFingerprint().toUpperCase()), ...publicKeys.map((k) => k.getFingerprint().toUpperCase())];
  return {
    decryptionKeys: async () => secret,
    verificationKeys: async () => publicKeys,
    lockedKeys: async () => [],
    acceptanceOf: async (fingerprint) => (all.includes(fingerprint.toUpperCase()) ? acceptance : null),
  };
}

function dedupe<K extends Key>(keys: K[]): K[] {
  const seen = new Set<string>();
  return keys.filter((key) => {
    const fingerprint = key.getFingerprint();
    if (seen.has(fingerprint)) return false;
    seen.add(fingerprint);
    return true;
  });
}
