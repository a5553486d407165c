/**
 * Which keys an identity uses: the ONE place that decides what signs as an identity and which
 * keys every copy the sender keeps is encrypted to. Sending (the message and its Sent copy),
 * drafts and team-key grants all ask here, so they cannot disagree again (mail sent as a team was
 * signed with the person's key while the team's drafts were signed with the team key, and every
 * recipient saw "does not match the sender").
 *
 * Rules:
 * - A team identity (a team mailbox's address) signs with the team's key — the current generation
 *   held for that address — so recipients see a signature by a key carrying the From address.
 *   Without a team key held it falls back to the person's own key (the person is in Sender).
 * - A personal identity signs with the person's own key carrying its address (any own key when
 *   none carries it).
 * - The person's own keys are the personal keys that are NOT team keys: a key held as a team key,
 *   or one carrying a team's address, is the team's even when it was imported under personal
 *   keys — a personal draft is never readable to a whole team.
 * - Copies the sender keeps are encrypted to the person's own keys and, for a team identity, the
 *   team's current key (never an old generation: a removed member must not read new mail).
 * Revoked, expired and weak keys are never chosen.
 */
import type { Key, PrivateKey } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import { assertUsable, type KeyService } from './key-service.js';
import type { TeamKeyStore } from './team-key-store.js';

export interface KeyIdentity {
  /** The From address; empty when the caller has none (a grant names no address). */
  address: string;
  /** `team`: a team mailbox's address (sent as a team, or an account that is itself a team mailbox). */
  kind: 'personal' | 'team';
  /** The person behind a team identity (the Sender): preferred among their own keys. */
  person?: string;
}

export interface IdentityKeys {
  /** The unlocked key that signs as the identity; null when there is none (`signing` says why). */
  signWith: PrivateKey | null;
  signing: 'ready' | 'locked' | 'none';
  /** Public keys every copy the sender keeps (Sent copy, draft) is encrypted to. */
  encryptToSelf: Key[];
}

export interface IdentityKeysDeps {
  own: Pick<KeyService, 'list' | 'privateKey'>;
  team: Pick<TeamKeyStore, 'decryptionKeys' | 'currentKeysFor'>;
  /** Addresses of the team identities the server offers (team mailboxes, team accounts); best effort. */
  teamAddresses?: () => Promise<string[]>;
}

export const emailOfUserId = (userId: string) => /<([^>]+)>\s*$/.exec(userId)?.[1]?.toLowerCase() ?? (userId.includes('@') ? userId.trim().toLowerCase() : '');
const carries = (key: Key, address: string) => address !== '' && key.getUserIDs().some((id) => emailOfUserId(id) === address.toLowerCase());
const fp = (key: Key) => key.getFingerprint().toUpperCase();
const usable = (key: Key) =>
  assertUsable(key).then(
    () => true,
    () => false,
  );

export class IdentityKeyring {
  constructor(private readonly deps: IdentityKeysDeps) {}

  /** The keys for an identity: sign with, encrypt to self. */
  async keysFor(identity: KeyIdentity): Promise<IdentityKeys> {
    const person = await this.personKeys();
    const personPublic = person.map((k) => k.public);
    const teamKeys = identity.kind === 'team' ? await this.teamKeysFor(identity.address) : [];
    const encryptToSelf = dedupe([...teamKeys.map((k) => k.toPublic()), ...personPublic]);

    const teamSigner = teamKeys.find((k) => k.isDecrypted());
    if (teamSigner) return { signWith: teamSigner, signing: 'ready', encryptToSelf };
    const preferred = identity.kind === 'team' ? (identity.person ?? '') : identity.address;
    const matching = person.filter((k) => carries(k.public, preferred));
    const candidates = (matching.length ? matching : person).filter((k) => k.hasSecret);
    const signer = candidates.find((k) => k.unlocked)?.unlocked ?? null;
    const signing = signer ? 'ready' : candidates.length || teamKeys.length ? 'locked' : 'none';
    return { signWith: signer, signing, encryptToSelf };
  }

  /** The team's current key(s) for the address: held team keys first, then a team key imported under personal keys. */
  private async teamKeysFor(address: string): Promise<PrivateKey[]> {
    if (!address) return [];
    const held = await this.deps.team.currentKeysFor(address);
    const imported: PrivateKey[] = [];
    for (const summary of await this.deps.own.list()) {
      if (summary.revoked || !summary.hasSecret) continue;
      const key = await this.deps.own.privateKey(summary.fingerprint);
      if (key && carries(key, address) && !held.some((h) => fp(h) === fp(key))) imported.push(key);
    }
    const out: PrivateKey[] = [];
    for (const key of [...held, ...imported]) if (await usable(key.toPublic())) out.push(key);
    return out;
  }

  /** The person's own usable keys: personal keys that are not a team's. */
  private async personKeys(): Promise<{ public: Key; hasSecret: boolean; unlocked: PrivateKey | null }[]> {
    const teamHeld = await this.deps.team.decryptionKeys();
    const teamFingerprints = new Set(teamHeld.map(fp));
    const teamAddresses = new Set(teamHeld.flatMap((k) => k.getUserIDs().map(emailOfUserId)).filter(Boolean));
    for (const address of (await this.deps.teamAddresses?.().catch(() => [])) ?? []) teamAddresses.add(address.toLowerCase());
    const out: { public: Key; hasSecret: boolean; unlocked: PrivateKey | null }[] = [];
    for (const summary of await this.deps.own.list()) {
      if (summary.revoked || teamFingerprints.has(summary.fingerprint.toUpperCase())) continue;
      if (summary.userIds.some((id) => teamAddresses.has(emailOfUserId(id)))) continue;
      const key = await this.deps.own.privateKey(summary.fingerprint);
      if (!key || !(await usable(key.toPublic()))) continue;
      out.push({ public: key.toPublic(), hasSecret: summary.hasSecret, unlocked: summary.hasSecret && key.isDecrypted() ? key : null });
    }
    return out;
  }
}

/** The signing key, or the error that says what the person must do. */
export function requireSigningKey(keys: IdentityKeys): PrivateKey {
  if (keys.signWith) return keys.signWith;
  if (keys.signing === 'locked') throw new ServiceError('KEY_LOCKED', 'Your key is locked: unlock it with its passphrase under Keys.');
  throw new ServiceError('VALIDATION', 'Encrypted mail is signed with your own key: create or import one under Keys first.');
}

function dedupe(keys: Key[]): Key[] {
  return keys.filter((key, i) => keys.findIndex((k) => fp(k) === fp(key)) === i);
}
