/**
 * The handling state of a message in a team mailbox, as every member's client sees it: who
 * handles it (won by a claim the server ordered), its status, and its history. The state lives
 * in the team mailbox on the organisation's own server (see main/services/team); this file is
 * only its shape, shared by the claims, the list, the team lead's board and the audit trail.
 */
import { z } from 'zod';

/** A member as the state names them: the account's address, stable, never free text. */
export const teamMemberIdSchema = z.string().min(3).max(320);

/** `\Answered` stays the server's standard flag; these are the team's own statuses. */
export const teamItemStatusSchema = z.enum(['new', 'in-progress', 'waiting', 'done']);
export type TeamItemStatus = z.infer<typeof teamItemStatusSchema>;

export const teamHistoryActionSchema = z.enum(['claimed', 'released', 'taken-over', 'reassigned', 'status']);

export const teamHistoryEntrySchema = z.object({
  action: teamHistoryActionSchema,
  by: teamMemberIdSchema,
  /** The new handler (taken-over, reassigned). */
  to: teamMemberIdSchema.optional(),
  /** The new status (status). */
  status: teamItemStatusSchema.optional(),
  /** When the server stored the change (its INTERNALDATE, ms): never a workstation's clock comparison. */
  at: z.number(),
});
export type TeamHistoryEntry = z.infer<typeof teamHistoryEntrySchema>;

export const teamHandlerSchema = z.object({
  memberId: teamMemberIdSchema,
  /** From the team's member list on the server, when it names the member. */
  displayName: z.string().max(200).optional(),
  since: z.number(),
});

export const teamItemSchema = z.object({
  uid: z.number().int().positive(),
  /** When the message reached the team mailbox (INTERNALDATE, ms): what response times count from. */
  receivedAt: z.number(),
  status: teamItemStatusSchema,
  handler: teamHandlerSchema.nullable(),
  answered: z.boolean(),
  history: z.array(teamHistoryEntrySchema),
});
export type TeamItem = z.infer<typeof teamItemSchema>;

/**
 * One team message's handling state as the message view shows it (contract `team:item:get`):
 * the item, who the person is in the team's state, whether they lead the team, how this server
 * keeps the state, and the take-over reasons opened with the team key (null: not openable here).
 */
export const teamItemViewSchema = z.object({
  team: z.object({ accountId: z.string(), team: z.string() }),
  mechanism: z.enum(['keywords', 'journal']),
  me: teamMemberIdSchema,
  isLead: z.boolean(),
  item: teamItemSchema,
  notes: z.array(z.object({ at: z.number(), by: teamMemberIdSchema, text: z.string().max(2000).nullable() })),
});
export type TeamItemView = z.infer<typeof teamItemViewSchema>;

/** What the composer saw of the original when it opened a reply from a team mailbox (the traffic cop compares it at send). */
export const teamReplyBasisSchema = z.object({ handler: teamMemberIdSchema.nullable(), answered: z.boolean() }).strict();
