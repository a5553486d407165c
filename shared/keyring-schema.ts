/**
 * The correspondents' public keyring as the UI may see it: public facts and the person's
 * decision about each key, never key bytes. Key bytes reach the keyring only from a file or
 * pasted text the person chose, from a message the main process re-reads itself, or from a
 * lookup candidate held in the main process.
 */
import { z } from 'zod';
import { mailboxRefSchema } from './domain.js';

/** undecided: not used until the person decides; unverified: accepted; verified: fingerprint compared; rejected: never used. */
export const CORRESPONDENT_STATES = ['undecided', 'unverified', 'verified', 'rejected'] as const;
export const correspondentStateSchema = z.enum(CORRESPONDENT_STATES);
export type CorrespondentState = z.infer<typeof correspondentStateSchema>;

export const correspondentSourceSchema = z.enum(['file', 'autocrypt', 'attachment', 'wkd', 'vks']);
export type CorrespondentSource = z.infer<typeof correspondentSourceSchema>;

export const correspondentKeySchema = z.object({
  fingerprint: z.string(),
  fingerprintGrouped: z.string(),
  keyId: z.string(),
  userIds: z.array(z.string()),
  /** Lower-case e-mail addresses from the user IDs. */
  addresses: z.array(z.string()),
  algorithm: z.string(),
  created: z.number(),
  expires: z.number().nullable(),
  revoked: z.boolean(),
  state: correspondentStateSchema,
  source: correspondentSourceSchema,
  importedAt: z.number(),
  /** Other keys in the keyring (not rejected) for one of the same addresses: the person decides which to use. */
  conflictsWith: z.array(z.string()),
});
export type CorrespondentKeyView = z.infer<typeof correspondentKeySchema>;

/** A key a lookup found, held in the main process under `candidateId` until the person imports it. */
export const lookupCandidateSchema = correspondentKeySchema
  .omit({ state: true, importedAt: true })
  .extend({ candidateId: z.uuid(), source: z.enum(['wkd', 'vks']), alreadyKnown: z.boolean() });
export type LookupCandidateView = z.infer<typeof lookupCandidateSchema>;

export const lookupOutcomeSchema = z.object({
  method: z.enum(['wkd', 'vks']),
  outcome: z.enum(['found', 'none', 'failed', 'disabled', 'refused']),
  /** Why it failed or was refused (an error code or the key's refusal reason); no key bytes. */
  detail: z.string().optional(),
});

export const lookupResultSchema = z.object({
  candidates: z.array(lookupCandidateSchema),
  tried: z.array(lookupOutcomeSchema),
});
export type LookupResultView = z.infer<typeof lookupResultSchema>;

export { keyOfferSchema, type KeyOfferView } from './domain.js';

const fingerprint = z.string().regex(/^[0-9A-Fa-f]{40}([0-9A-Fa-f]{24})?$/);
const empty = z.object({}).strict();

export const keyringContract = {
  'crypto:contacts:list': { request: empty, response: z.array(correspondentKeySchema) },
  /** Pasted or file armored text, a binary key file (.gpg), or a lookup candidate by its id (the bytes stay in main). */
  'crypto:contacts:import': {
    request: z.union([
      z
        .object({
          armored: z
            .string()
            .min(1)
            .max(512 * 1024),
        })
        .strict(),
      z
        .object({
          binaryBase64: z
            .base64()
            .min(4)
            .max(700 * 1024),
        })
        .strict(),
      z.object({ candidateId: z.uuid() }).strict(),
    ]),
    response: z.array(correspondentKeySchema),
  },
  /** `verified` needs the person's confirmation that they compared the fingerprint with the correspondent. */
  'crypto:contacts:accept': {
    request: z.union([
      z.object({ fingerprint, state: z.literal('verified'), fingerprintCompared: z.literal(true) }).strict(),
      z.object({ fingerprint, state: z.enum(['unverified', 'rejected']) }).strict(),
    ]),
    response: correspondentKeySchema,
  },
  'crypto:contacts:remove': { request: z.object({ fingerprint }).strict(), response: z.object({}) },
  'crypto:contacts:lookup': { request: z.object({ address: z.email().max(320) }).strict(), response: lookupResultSchema },
  /** Re-reads the message in main and imports the key it offers (Autocrypt header or attached key). */
  'crypto:contacts:import-from-message': {
    request: z.object({ mailbox: mailboxRefSchema.strict(), uid: z.number().int().positive() }).strict(),
    response: z.array(correspondentKeySchema),
  },
} as const;
