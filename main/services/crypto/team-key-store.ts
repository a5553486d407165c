/**
 * Team keys the person holds, every generation of each team, sealed on disk under the vault key
 * (SecretStore) like personal keys. Team keys carry no passphrase of their own: they are shared by
 * the team, so the vault is their lock. As a KeySource every generation decrypts (old mail stays
 * readable after a rotation); the newest generation is the one new mail is encrypted to. The
 * leads a member has confirmed by fingerprint are pinned per team here too. No method returns
 * private key material outside this process.
 */
import { readPrivateKey, type Key, type PrivateKey } from 'openpgp';
import { z } from 'zod';
import type { SecretStore } from '../secrets/secret-store.js';
import type { KeyAcceptance, KeySource } from './key-provider.js';
import { OPENPGP_CONFIG, OPENPGP_FULL_CONFIG } from './openpgp-policy.js';
import type { TeamKeyGeneration } from './team-key-grant.js';
import { emailOfUserId } from './identity-keys.js';
import type { TeamRef } from '../team/team-ref.js';

const INDEX = 'openpgp:team:index';
const secretName = (fingerprint: string) => `openpgp:team:${fingerprint}`;

const generationSchema = z.object({ generation: z.number().int(), fingerprint: z.string(), addedAt: z.number(), source: z.enum(['created', 'granted']) });
const entryFields = {
  team: z.string(),
  label: z.string(),
  generations: z.array(generationSchema),
  /** Lead fingerprints this person trusts to grant keys of this team. */
  leads: z.array(z.string()),
};
/**
 * Index version 1 (a bare array) kept teams under their bare name, so two servers with a team of
 * the same name shared keys and lead pins. Version 2 keys them by account and team (TeamRef);
 * version-1 entries wait in `legacy` until the team directory says which account(s) have the team.
 */
const legacyIndexSchema = z.array(z.object(entryFields));
const indexSchema = z.object({
  version: z.literal(2),
  teams: z.array(z.object({ accountId: z.string().min(1), ...entryFields })),
  legacy: z.array(z.object(entryFields)),
});
type Index = z.infer<typeof indexSchema>;
export type TeamIndexEntry = Index['teams'][number];

export interface HeldGeneration {
  generation: number;
  fingerprint: string;
  addedAt: number;
  source: 'created' | 'granted';
  key: PrivateKey;
}

const matches = (ref: TeamRef) => (entry: TeamIndexEntry) => entry.accountId === ref.accountId && entry.team === ref.team;

export class TeamKeyStore implements KeySource {
  private readonly parsed = new Map<string, PrivateKey>();

  constructor(private readonly secrets: SecretStore) {}

  private async index(): Promise<Index> {
    const raw = await this.secrets.get(INDEX);
    if (!raw) return { version: 2, teams: [], legacy: [] };
    const json: unknown = JSON.parse(raw);
    if (Array.isArray(json)) return { version: 2, teams: [], legacy: legacyIndexSchema.parse(json) };
    return indexSchema.parse(json);
  }

  private async save(index: Index): Promise<void> {
    await this.secrets.set(INDEX, JSON.stringify(index));
  }

  /** Teams whose keys are held, per account and team (legacy entries not yet placed are not listed). */
  async teams(): Promise<TeamIndexEntry[]> {
    return (await this.index()).teams;
  }

  async team(ref: TeamRef): Promise<TeamIndexEntry | null> {
    return (await this.teams()).find(matches(ref)) ?? null;
  }

  /**
   * Places keys held under a bare team name (index version 1) with every account whose server
   * has a team of that name; a name no account has now stays waiting (its keys still decrypt).
   * Returns how many entries were placed.
   */
  async migrateLegacy(refs: readonly TeamRef[]): Promise<number> {
    const index = await this.index();
    if (!index.legacy.length) return 0;
    let placed = 0;
    const waiting: typeof index.legacy = [];
    for (const old of index.legacy) {
      const targets = refs.filter((ref) => ref.team === old.team);
      if (!targets.length) {
        waiting.push(old);
        continue;
      }
      for (const ref of targets) {
        const existing = index.teams.find(matches(ref));
        if (!existing) {
          index.teams.push({ accountId: ref.accountId, ...structuredClone(old) });
        } else {
          for (const g of old.generations) if (!existing.generations.some((h) => h.fingerprint === g.fingerprint)) existing.generations.push(g);
          for (const lead of old.leads) if (!existing.leads.includes(lead)) existing.leads.push(lead);
        }
      }
      placed += 1;
    }
    index.legacy = waiting;
    await this.save(index);
    return placed;
  }

  /** Every generation held for the team, oldest first. */
  async generations(ref: TeamRef): Promise<HeldGeneration[]> {
    const entry = await this.team(ref);
    if (!entry) return [];
    const out: HeldGeneration[] = [];
    for (const g of [...entry.generations].sort((a, b) => a.generation - b.generation)) {
      const key = await this.load(g.fingerprint);
      if (key) out.push({ ...g, key });
    }
    return out;
  }

  async current(ref: TeamRef): Promise<HeldGeneration | null> {
    return (await this.generations(ref)).at(-1) ?? null;
  }

  /** Adds generations (a new key, or those from a grant); already held fingerprints are kept as they are. Returns the added ones. */
  async add(ref: TeamRef, label: string, generations: TeamKeyGeneration[], source: 'created' | 'granted', lead?: string): Promise<TeamKeyGeneration[]> {
    const index = await this.index();
    let entry = index.teams.find(matches(ref));
    if (!entry) {
      entry = { accountId: ref.accountId, team: ref.team, label, generations: [], leads: [] };
      index.teams.push(entry);
    }
    entry.label = label || entry.label;
    const added: TeamKeyGeneration[] = [];
    for (const g of generations) {
      const fingerprint = g.key.getFingerprint().toUpperCase();
      if (entry.generations.some((h) => h.fingerprint === fingerprint)) continue;
      // Secret first: an index entry without its key would be a key the person thinks they hold.
      await this.secrets.set(secretName(fingerprint), g.key.armor(OPENPGP_FULL_CONFIG));
      this.parsed.set(fingerprint, g.key);
      entry.generations.push({ generation: g.generation, fingerprint, addedAt: Date.now(), source });
      added.push(g);
    }
    if (lead && !entry.leads.includes(lead)) entry.leads.push(lead);
    await this.save(index);
    return added;
  }

  async pinLead(ref: TeamRef, lead: string): Promise<void> {
    const index = await this.index();
    const entry = index.teams.find(matches(ref));
    if (!entry || entry.leads.includes(lead)) return;
    entry.leads.push(lead);
    await this.save(index);
  }

  /** Every entry, placed or still waiting for migration: all of them decrypt. */
  private async allEntries(): Promise<{ team: string; generations: { generation: number; fingerprint: string }[] }[]> {
    const index = await this.index();
    return [...index.teams, ...index.legacy];
  }

  async holds(fingerprint: string): Promise<boolean> {
    const id = fingerprint.toUpperCase();
    return (await this.allEntries()).some((t) => t.generations.some((g) => g.fingerprint === id));
  }

  async decryptionKeys(): Promise<PrivateKey[]> {
    const keys: PrivateKey[] = [];
    const seen = new Set<string>();
    for (const team of await this.allEntries())
      for (const g of team.generations) {
        if (seen.has(g.fingerprint)) continue;
        seen.add(g.fingerprint);
        const key = await this.load(g.fingerprint);
        if (key) keys.push(key);
      }
    return keys;
  }

  async verificationKeys(): Promise<Key[]> {
    return (await this.decryptionKeys()).map((k) => k.toPublic());
  }

  async acceptanceOf(fingerprint: string): Promise<KeyAcceptance | null> {
    return (await this.holds(fingerprint)) ? 'team' : null;
  }

  /**
   * The current generation of every team whose key carries the address (sending from a team
   * mailbox signs with it and encrypts the kept copies to it; see identity-keys.ts).
   */
  async currentKeysFor(address: string): Promise<PrivateKey[]> {
    const out = new Map<string, PrivateKey>();
    for (const team of await this.allEntries()) {
      const newest = [...team.generations].sort((a, b) => a.generation - b.generation).at(-1);
      const current = newest ? await this.load(newest.fingerprint) : null;
      if (current && current.getUserIDs().some((id) => emailOfUserId(id) === address.toLowerCase())) out.set(newest!.fingerprint, current);
    }
    return [...out.values()];
  }

  private async load(fingerprint: string): Promise<PrivateKey | null> {
    const cached = this.parsed.get(fingerprint);
    if (cached) return cached;
    const armored = await this.secrets.get(secretName(fingerprint));
    if (!armored) return null;
    const key = await readPrivateKey({ armoredKey: armored, config: OPENPGP_CONFIG });
    this.parsed.set(fingerprint, key);
    return key;
  }
}
