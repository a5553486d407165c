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

const INDEX = 'openpgp:team:index';
const secretName = (fingerprint: string) => `openpgp:team:${fingerprint}`;

const indexSchema = z.array(
  z.object({
    team: z.string(),
    label: z.string(),
    generations: z.array(z.object({ generation: z.number().int(), fingerprint: z.string(), addedAt: z.number(), source: z.enum(['created', 'granted']) })),
    /** Lead fingerprints this person trusts to grant keys of this team. */
    leads: z.array(z.string()),
  }),
);
export type TeamIndexEntry = z.infer<typeof indexSchema>[number];

export interface HeldGeneration {
  generation: number;
  fingerprint: string;
  addedAt: number;
  source: 'created' | 'granted';
  key: PrivateKey;
}

export class TeamKeyStore implements KeySource {
  private readonly parsed = new Map<string, PrivateKey>();

  constructor(private readonly secrets: SecretStore) {}

  async teams(): Promise<TeamIndexEntry[]> {
    const raw = await this.secrets.get(INDEX);
    return raw ? indexSchema.parse(JSON.parse(raw)) : [];
  }

  async team(team: string): Promise<TeamIndexEntry | null> {
    return (await this.teams()).find((t) => t.team === team) ?? null;
  }

  /** Every generation held for the team, oldest first. */
  async generations(team: string): Promise<HeldGeneration[]> {
    const entry = await this.team(team);
    if (!entry) return [];
    const out: HeldGeneration[] = [];
    for (const g of [...entry.generations].sort((a, b) => a.generation - b.generation)) {
      const key = await this.load(g.fingerprint);
      if (key) out.push({ ...g, key });
    }
    return out;
  }

  async current(team: string): Promise<HeldGeneration | null> {
    return (await this.generations(team)).at(-1) ?? null;
  }

  /** Adds generations (a new key, or those from a grant); already held fingerprints are kept as they are. Returns the added ones. */
  async add(team: string, label: string, generations: TeamKeyGeneration[], source: 'created' | 'granted', lead?: string): Promise<TeamKeyGeneration[]> {
    const index = await this.teams();
    let entry = index.find((t) => t.team === team);
    if (!entry) {
      entry = { team, label, generations: [], leads: [] };
      index.push(entry);
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
    await this.secrets.set(INDEX, JSON.stringify(index));
    return added;
  }

  async pinLead(team: string, lead: string): Promise<void> {
    const index = await this.teams();
    const entry = index.find((t) => t.team === team);
    if (!entry || entry.leads.includes(lead)) return;
    entry.leads.push(lead);
    await this.secrets.set(INDEX, JSON.stringify(index));
  }

  async holds(fingerprint: string): Promise<boolean> {
    const id = fingerprint.toUpperCase();
    return (await this.teams()).some((t) => t.generations.some((g) => g.fingerprint === id));
  }

  async decryptionKeys(): Promise<PrivateKey[]> {
    const keys: PrivateKey[] = [];
    for (const team of await this.teams())
      for (const g of team.generations) {
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
    const out: PrivateKey[] = [];
    for (const team of await this.teams()) {
      const current = (await this.generations(team.team)).at(-1);
      if (current && current.key.getUserIDs().some((id) => emailOfUserId(id) === address.toLowerCase())) out.push(current.key);
    }
    return out;
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
