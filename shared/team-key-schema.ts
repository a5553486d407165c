/** Team keys as the UI may see them: public facts only (fingerprints, user IDs), never key material. */
import { z } from 'zod';

/** v4 (40 hex) or v6 (64 hex) OpenPGP fingerprint. */
export const teamFingerprintSchema = z.string().regex(/^[0-9A-Fa-f]{40}([0-9A-Fa-f]{24})?$/);
/** The team's name in the server's shared namespace (e.g. "perhepalvelut"): the same for every member. */
export const teamNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\r\n/]+$/);

const publicKeyFacts = {
  fingerprint: z.string(),
  fingerprintGrouped: z.string(),
  userIds: z.array(z.string()),
};

export const teamKeyGenerationSchema = z.object({
  ...publicKeyFacts,
  generation: z.number().int(),
  keyId: z.string(),
  created: z.number(),
  /** New mail is encrypted to this generation; older ones only open old mail. */
  current: z.boolean(),
});

export const teamMemberSchema = z.object({ ...publicKeyFacts, generation: z.number().int(), grantedAt: z.number() });

export const teamViewSchema = z.object({
  team: z.string(),
  label: z.string(),
  accountId: z.string(),
  /** The server grants this person the administer right (ACL "a") on the team mailbox. */
  isLead: z.boolean(),
  keys: z.array(teamKeyGenerationSchema),
  /** Members granted the current generation (what a lead sees; empty for members). */
  members: z.array(teamMemberSchema),
});
export type TeamView = z.infer<typeof teamViewSchema>;

export const pendingGrantSchema = z.object({
  accountId: z.string(),
  uid: z.number().int().positive(),
  team: z.string(),
  teamLabel: z.string(),
  generation: z.number().int(),
  teamFingerprintGrouped: z.string(),
  lead: z.object(publicKeyFacts).nullable(),
  /** The person already trusts this lead for this team (confirmed earlier). */
  leadConfirmed: z.boolean(),
  /** ready: can be imported; locked: unlock your key first; refused: failed a check (see reason). */
  state: z.enum(['ready', 'locked', 'refused']),
  reason: z.string().optional(),
});
export type PendingGrant = z.infer<typeof pendingGrantSchema>;

export const grantPreviewSchema = pendingGrantSchema.omit({ accountId: true, uid: true });

export const teamRefSchema = z.object({ accountId: z.string().min(1).max(100), team: teamNameSchema }).strict();

export const grantImportSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), accountId: z.string().min(1).max(100), uid: z.number().int().positive() }).strict(),
  z
    .object({
      kind: z.literal('file'),
      armored: z
        .string()
        .min(1)
        .max(512 * 1024),
    })
    .strict(),
]);

export const grantImportResultSchema = z.object({ team: z.string(), generation: z.number().int(), fingerprintGrouped: z.string(), added: z.number().int() });
