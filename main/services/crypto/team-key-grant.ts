/**
 * Trust boundary: sealing a team's secret keys to one member, and opening such a grant. Invariants:
 * - a grant is the team's armored secret keys (every generation the lead holds) encrypted to the
 *   member's personal public key only, and signed by the lead's personal key; the payload names
 *   the member's fingerprint, so a grant re-encrypted to someone else is refused;
 * - opening fails closed: it must decrypt with one of the person's own keys, carry a valid
 *   signature by exactly the lead key the payload names, and every key inside must match the
 *   fingerprints it claims and be unprotected (team keys are shared, so only the vault protects
 *   them); nothing of a refused grant is returned;
 * - whether the signing lead is trusted is decided by the caller (pinned or confirmed lead).
 * The roster entry is public (the member's public key) and signed by the team key of its
 * generation, so a lead's client only re-seals to members another key holder recorded.
 */
import { createMessage, decrypt, encrypt, readMessage, readPrivateKey, sign, verify, type Key, type PrivateKey } from 'openpgp';
import { z } from 'zod';
import { ServiceError } from '../../../shared/result.js';
import { assertUsable, readPublicKey } from './key-service.js';
import { OPENPGP_CONFIG, OPENPGP_FULL_CONFIG } from './openpgp-policy.js';

export const GRANT_FORMAT = 'sinetti-team-key-grant';
export const ROSTER_FORMAT = 'sinetti-team-roster-entry';

const fingerprintSchema = z.string().regex(/^[0-9A-F]{40}([0-9A-F]{24})?$/);
const teamNameSchema = z.string().min(1).max(200);

const grantPayloadSchema = z
  .object({
    format: z.literal(GRANT_FORMAT),
    version: z.literal(1),
    team: teamNameSchema,
    teamLabel: z.string().max(200),
    generation: z.number().int().positive(),
    teamFingerprint: fingerprintSchema,
    memberFingerprint: fingerprintSchema,
    leadFingerprint: fingerprintSchema,
    leadPublicKey: z
      .string()
      .min(1)
      .max(64 * 1024),
    keys: z
      .array(
        z
          .object({
            generation: z.number().int().positive(),
            fingerprint: fingerprintSchema,
            armored: z
              .string()
              .min(1)
              .max(64 * 1024),
          })
          .strict(),
      )
      .min(1)
      .max(100),
    createdAt: z.number().int(),
  })
  .strict();
export type GrantPayload = z.infer<typeof grantPayloadSchema>;

const rosterEntrySchema = z
  .object({
    format: z.literal(ROSTER_FORMAT),
    version: z.literal(1),
    team: teamNameSchema,
    generation: z.number().int().positive(),
    teamFingerprint: fingerprintSchema,
    memberFingerprint: fingerprintSchema,
    memberPublicKey: z
      .string()
      .min(1)
      .max(64 * 1024),
    leadFingerprint: fingerprintSchema,
    grantedAt: z.number().int(),
  })
  .strict();
export type RosterEntry = z.infer<typeof rosterEntrySchema>;

export interface TeamKeyGeneration {
  generation: number;
  key: PrivateKey;
}

export interface SealInput {
  team: string;
  teamLabel: string;
  /** Every generation the lead holds; the newest is the current one. */
  generations: TeamKeyGeneration[];
  member: Key;
  lead: PrivateKey;
  now?: number;
}

export interface OpenedGrant {
  payload: Omit<GrantPayload, 'keys' | 'leadPublicKey'>;
  lead: Key;
  keys: TeamKeyGeneration[];
}

const fp = (key: Key) => key.getFingerprint().toUpperCase();

/** Seals the team's keys to the member, signed by the lead. Returns the armored OpenPGP message. */
export async function sealGrant(input: SealInput): Promise<string> {
  await assertUsable(input.member);
  if (input.generations.length === 0) throw new ServiceError('NOT_FOUND', 'This team has no key to grant yet.');
  if (!input.lead.isDecrypted()) throw new ServiceError('KEY_LOCKED', 'Your key is locked: unlock it with its passphrase under Keys.');
  const sorted = [...input.generations].sort((a, b) => a.generation - b.generation);
  const current = sorted.at(-1)!;
  const payload: GrantPayload = {
    format: GRANT_FORMAT,
    version: 1,
    team: input.team,
    teamLabel: input.teamLabel,
    generation: current.generation,
    teamFingerprint: fp(current.key),
    memberFingerprint: fp(input.member),
    leadFingerprint: fp(input.lead),
    leadPublicKey: input.lead.toPublic().armor(OPENPGP_FULL_CONFIG),
    keys: sorted.map((g) => ({ generation: g.generation, fingerprint: fp(g.key), armored: g.key.armor(OPENPGP_FULL_CONFIG) })),
    createdAt: input.now ?? Date.now(),
  };
  return (await encrypt({
    message: await createMessage({ text: JSON.stringify(payload) }),
    encryptionKeys: input.member,
    signingKeys: input.lead,
    format: 'armored',
    config: OPENPGP_CONFIG,
  })) as string;
}

/**
 * Opens a grant with the person's own decryption keys. Throws DECRYPTION_FAILED when it is not
 * sealed to any of them and TEAM_GRANT_REFUSED when it is malformed, addressed to another key,
 * unsigned, or signed by a key other than the lead it names.
 */
export async function openGrant(armored: string, ownKeys: PrivateKey[]): Promise<OpenedGrant> {
  try {
    return await openGrantChecked(armored, ownKeys);
  } catch (error) {
    // Whatever openpgp.js throws on damaged input (some of it surfaces late, from its streams) is a refusal.
    if (error instanceof ServiceError) throw error;
    throw new ServiceError('TEAM_GRANT_REFUSED', `Not a usable team-key grant: ${(error as Error).message}`);
  }
}

async function openGrantChecked(armored: string, ownKeys: PrivateKey[]): Promise<OpenedGrant> {
  const message = await readMessage({ armoredMessage: armored, config: OPENPGP_CONFIG }).catch((error: Error) => {
    throw new ServiceError('TEAM_GRANT_REFUSED', `Not a team-key grant: ${error.message}`);
  });
  if (ownKeys.length === 0) throw new ServiceError('DECRYPTION_FAILED', 'You have no usable key of your own to open the grant with.');
  // First pass: only to learn which lead key the payload names; nothing is used before the
  // second pass has verified the signature with exactly that key.
  const first = await decrypt({ message, decryptionKeys: ownKeys, format: 'utf8', config: OPENPGP_CONFIG }).catch(() => {
    throw new ServiceError('DECRYPTION_FAILED', 'The grant is not sealed to any of your keys.');
  });
  const payload = parsePayload(first.data as string);
  const own = ownKeys.map(fp);
  if (!own.includes(payload.memberFingerprint)) throw new ServiceError('TEAM_GRANT_REFUSED', 'The grant is addressed to another key.');
  const lead = await readPublicKey(payload.leadPublicKey);
  if (fp(lead) !== payload.leadFingerprint) throw new ServiceError('TEAM_GRANT_REFUSED', 'The grant names a lead key it does not carry.');
  await assertUsable(lead).catch((error: Error) => {
    throw new ServiceError('TEAM_GRANT_REFUSED', `The lead's key is not usable: ${error.message}`);
  });
  const again = await readMessage({ armoredMessage: armored, config: OPENPGP_CONFIG });
  const second = await decrypt({
    message: again,
    decryptionKeys: ownKeys,
    verificationKeys: [lead],
    expectSigned: true,
    format: 'utf8',
    config: OPENPGP_CONFIG,
  }).catch((error: Error) => {
    throw new ServiceError('TEAM_GRANT_REFUSED', `The grant is not signed by the team lead's key: ${error.message}`);
  });
  if (second.data !== first.data) throw new ServiceError('TEAM_GRANT_REFUSED', 'The grant changed between reads.');
  for (const signature of second.signatures) {
    if (lead.getKeys(signature.keyID).length === 0) throw new ServiceError('TEAM_GRANT_REFUSED', 'The grant carries a signature by another key.');
    await signature.verified.catch((error: Error) => {
      throw new ServiceError('TEAM_GRANT_REFUSED', `The lead's signature is not valid: ${error.message}`);
    });
  }
  const keys: TeamKeyGeneration[] = [];
  for (const entry of payload.keys) {
    const key = await readPrivateKey({ armoredKey: entry.armored, config: OPENPGP_CONFIG }).catch(() => {
      throw new ServiceError('TEAM_GRANT_REFUSED', 'The grant holds an unreadable team key.');
    });
    if (fp(key) !== entry.fingerprint || !key.isDecrypted())
      throw new ServiceError('TEAM_GRANT_REFUSED', 'A team key in the grant does not match its fingerprint.');
    keys.push({ generation: entry.generation, key });
  }
  const current = payload.keys.find((k) => k.generation === payload.generation);
  if (!current || current.fingerprint !== payload.teamFingerprint)
    throw new ServiceError('TEAM_GRANT_REFUSED', 'The grant does not hold the team key it names.');
  const { keys: _keys, leadPublicKey: _lead, ...facts } = payload;
  void _keys;
  void _lead;
  return { payload: facts, lead, keys };
}

/** The public roster entry for a grant, signed by the team key of that generation. */
export async function signRosterEntry(entry: Omit<RosterEntry, 'format' | 'version'>, teamKey: PrivateKey): Promise<string> {
  const full: RosterEntry = { format: ROSTER_FORMAT, version: 1, ...entry };
  return (await sign({
    message: await createMessage({ text: JSON.stringify(full) }),
    signingKeys: teamKey,
    format: 'armored',
    config: OPENPGP_CONFIG,
  })) as string;
}

/** The roster entry when it is validly signed by `teamKey`, else null (planted or damaged). */
export async function readRosterEntry(armored: string, teamKey: Key): Promise<RosterEntry | null> {
  try {
    const message = await readMessage({ armoredMessage: armored, config: OPENPGP_CONFIG });
    const result = await verify({ message, verificationKeys: [teamKey], expectSigned: true, format: 'utf8', config: OPENPGP_CONFIG });
    for (const signature of result.signatures) await signature.verified;
    const entry = rosterEntrySchema.parse(JSON.parse(result.data as string));
    return entry.teamFingerprint === fp(teamKey) ? entry : null;
  } catch {
    return null;
  }
}

function parsePayload(text: string): GrantPayload {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServiceError('TEAM_GRANT_REFUSED', 'Not a team-key grant.');
  }
  const parsed = grantPayloadSchema.safeParse(json);
  if (!parsed.success) throw new ServiceError('TEAM_GRANT_REFUSED', 'Not a team-key grant in a format this version understands.');
  return parsed.data;
}
