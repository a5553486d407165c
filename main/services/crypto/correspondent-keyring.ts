/**
 * Trust boundary: correspondents' public keys and the person's decision about each. Invariants:
 * - the keyring is sealed in the SecretStore (under the OS keychain's vault key): who the
 *   correspondents are is client data too, so no address or key sits on disk in the clear;
 * - a key for an address that already has another key never replaces it: it comes in
 *   `undecided` (not used for sending) next to the old one until the person decides;
 * - a new key that is expired, revoked or weak (RSA < 2048, SHA-1 self-signatures) is refused
 *   with the reason (assertUsable, the same check as for the person's own keys);
 * - rejected and undecided keys are never offered for verification or encryption; `verified` is
 *   set only by the person after comparing the fingerprint (the contract demands that confirmation);
 * - only public key material is kept: a private key handed in by mistake is reduced to its public half.
 */
import type { Key } from 'openpgp';
import type { CorrespondentKeyView, CorrespondentSource, CorrespondentState } from '../../../shared/keyring-schema.js';
import { ServiceError } from '../../../shared/result.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { KeyAcceptance, KeySource } from './key-provider.js';
import { assertUsable, summarize } from './key-service.js';
import { addressesOf, parsePublicKeys } from './public-key-parsing.js';
import { OPENPGP_FULL_CONFIG } from './openpgp-policy.js';

const KEYRING = 'openpgp:correspondents';
/** One import (a keyring export, a WKD answer) holds at most this many keys. */
export const MAX_KEYS_PER_IMPORT = 50;

interface StoredEntry {
  fingerprint: string;
  armored: string;
  state: CorrespondentState;
  source: CorrespondentSource;
  importedAt: number;
  decidedAt?: number;
}

interface Entry extends StoredEntry {
  key: Key;
  addresses: string[];
}

/** Order of preference when several accepted keys carry the same address. */
const PREFERENCE: Record<CorrespondentState, number> = { verified: 0, unverified: 1, undecided: 2, rejected: 3 };

export class CorrespondentKeyring implements KeySource {
  private entries: Map<string, Entry> | null = null;
  /** Read-modify-write of the one sealed entry, one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly secrets: SecretStore,
    private readonly events?: DomainEventBus,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<CorrespondentKeyView[]> {
    const entries = [...(await this.load()).values()];
    const views = await Promise.all(entries.map((entry) => this.view(entry, entries)));
    return views.sort((a, b) => (a.addresses[0] ?? '').localeCompare(b.addresses[0] ?? '') || b.importedAt - a.importedAt);
  }

  /** Armored text or binary key data the person chose to import (a file, pasted text, a message, a lookup). */
  async importData(data: string | Uint8Array, source: CorrespondentSource): Promise<CorrespondentKeyView[]> {
    return this.importKeys(await parsePublicKeys(data, MAX_KEYS_PER_IMPORT), source);
  }

  /**
   * Imports parsed keys: all or nothing, so a refused key is reported and nothing half-imported.
   * A key already in the keyring is updated (new signatures, a revocation) and keeps its state.
   */
  async importKeys(keys: Key[], source: CorrespondentSource): Promise<CorrespondentKeyView[]> {
    return this.exclusive(async () => {
      // A copy: the cache changes only once the sealed keyring is written.
      const entries = new Map(await this.load());
      const incoming = new Map<string, Entry & { isNew: boolean }>();
      for (const candidate of keys) {
        const key = candidate.isPrivate() ? candidate.toPublic() : candidate;
        const fingerprint = key.getFingerprint().toUpperCase();
        const known = incoming.get(fingerprint) ?? entries.get(fingerprint);
        if (known) {
          const merged = await known.key.update(key, undefined, OPENPGP_FULL_CONFIG);
          incoming.set(fingerprint, {
            ...known,
            key: merged,
            armored: merged.armor(OPENPGP_FULL_CONFIG),
            addresses: addressesOf(merged),
            isNew: incoming.get(fingerprint)?.isNew ?? false,
          });
          continue;
        }
        await assertUsable(key).catch((error: unknown) => {
          throw new ServiceError('VALIDATION', `${addressesOf(key).join(', ') || fingerprint}: ${(error as Error).message}`);
        });
        const addresses = addressesOf(key);
        if (addresses.length === 0)
          throw new ServiceError('VALIDATION', `${fingerprint}: the key has no e-mail address in its user IDs, so it cannot be matched to a correspondent.`);
        const others = [...entries.values(), ...incoming.values()].filter((e) => e.state !== 'rejected' && e.addresses.some((a) => addresses.includes(a)));
        // Never a silent replacement: with another key for the address on file, the person decides.
        const state: CorrespondentState = others.length ? 'undecided' : 'unverified';
        incoming.set(fingerprint, { fingerprint, key, armored: key.armor(OPENPGP_FULL_CONFIG), addresses, state, source, importedAt: this.now(), isNew: true });
      }
      for (const { isNew: _isNew, ...entry } of incoming.values()) entries.set(entry.fingerprint, entry);
      await this.save(entries);
      for (const { fingerprint, state, isNew } of incoming.values()) {
        if (isNew)
          this.events?.emit({ type: 'openpgp.correspondent.imported', fingerprint, source, state: state as 'undecided' | 'unverified', at: this.now() });
        else this.events?.emit({ type: 'openpgp.correspondent.updated', fingerprint, source, at: this.now() });
      }
      const all = [...entries.values()];
      return Promise.all([...incoming.keys()].map((fingerprint) => this.view(entries.get(fingerprint)!, all)));
    });
  }

  /** The person's decision. Accepting checks the key again (it may have expired since it came in). */
  async decide(fingerprint: string, state: 'verified' | 'unverified' | 'rejected'): Promise<CorrespondentKeyView> {
    return this.exclusive(async () => {
      const entries = new Map(await this.load());
      const entry = entries.get(fingerprint.toUpperCase());
      if (!entry) throw new ServiceError('NOT_FOUND', 'No such correspondent key.');
      if (state !== 'rejected') await assertUsable(entry.key);
      const updated = { ...entry, state, decidedAt: this.now() };
      entries.set(entry.fingerprint, updated);
      await this.save(entries);
      this.events?.emit(
        state === 'rejected'
          ? { type: 'openpgp.correspondent.rejected', fingerprint: entry.fingerprint, at: this.now() }
          : { type: 'openpgp.correspondent.accepted', fingerprint: entry.fingerprint, state, at: this.now() },
      );
      return this.view(updated, [...entries.values()]);
    });
  }

  async remove(fingerprint: string): Promise<void> {
    await this.exclusive(async () => {
      const entries = new Map(await this.load());
      const id = fingerprint.toUpperCase();
      if (!entries.delete(id)) throw new ServiceError('NOT_FOUND', 'No such correspondent key.');
      await this.save(entries);
      this.events?.emit({ type: 'openpgp.correspondent.removed', fingerprint: id, at: this.now() });
    });
  }

  /** The facts about a key the keyring may not hold yet (a lookup candidate), with what it would conflict with. */
  async preview(key: Key): Promise<Omit<CorrespondentKeyView, 'state' | 'importedAt' | 'source'> & { alreadyKnown: boolean }> {
    const entries = await this.load();
    const fingerprint = key.getFingerprint().toUpperCase();
    const probe: Entry = { fingerprint, key, addresses: addressesOf(key), armored: '', state: 'undecided', source: 'file', importedAt: 0 };
    const { state: _state, importedAt: _importedAt, source: _source, ...view } = await this.view(probe, [...entries.values()]);
    return { ...view, alreadyKnown: entries.has(fingerprint) };
  }

  async decryptionKeys(): Promise<never[]> {
    return [];
  }

  /**
   * The accepted keys (verified before unverified, newest first). Undecided keys are held back
   * like rejected ones: a key the person has not accepted must not turn a signature into a good
   * verdict (it shows as an unknown key until they decide).
   */
  async verificationKeys(): Promise<Key[]> {
    return [...(await this.load()).values()]
      .filter((e) => e.state === 'verified' || e.state === 'unverified')
      .sort((a, b) => PREFERENCE[a.state] - PREFERENCE[b.state] || b.importedAt - a.importedAt)
      .map((e) => e.key);
  }

  async acceptanceOf(fingerprint: string): Promise<KeyAcceptance | null> {
    return (await this.load()).get(fingerprint.toUpperCase())?.state ?? null;
  }

  private async view(entry: Entry, all: Entry[]): Promise<CorrespondentKeyView> {
    const facts = await summarize(entry.key);
    const conflictsWith = all
      .filter((e) => e.fingerprint !== entry.fingerprint && e.state !== 'rejected' && e.addresses.some((a) => entry.addresses.includes(a)))
      .map((e) => e.fingerprint);
    return {
      fingerprint: facts.fingerprint,
      fingerprintGrouped: facts.fingerprintGrouped,
      keyId: facts.keyId,
      userIds: facts.userIds,
      addresses: entry.addresses,
      algorithm: facts.algorithm,
      created: facts.created,
      expires: facts.expires,
      revoked: facts.revoked,
      state: entry.state,
      source: entry.source,
      importedAt: entry.importedAt,
      conflictsWith,
    };
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<Map<string, Entry>> {
    if (this.entries) return this.entries;
    const raw = await this.secrets.get(KEYRING);
    const stored = raw ? (JSON.parse(raw) as { version: 1; entries: StoredEntry[] }).entries : [];
    const entries = new Map<string, Entry>();
    for (const item of stored) {
      const [key] = await parsePublicKeys(item.armored, 1);
      entries.set(item.fingerprint, { ...item, key: key!, addresses: addressesOf(key!) });
    }
    this.entries = entries;
    return entries;
  }

  private async save(entries: Map<string, Entry>): Promise<void> {
    const stored: StoredEntry[] = [...entries.values()].map(({ fingerprint, armored, state, source, importedAt, decidedAt }) => ({
      fingerprint,
      armored,
      state,
      source,
      importedAt,
      ...(decidedAt ? { decidedAt } : {}),
    }));
    await this.secrets.set(KEYRING, JSON.stringify({ version: 1, entries: stored }));
    this.entries = entries;
  }
}
