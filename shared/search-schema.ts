/**
 * Search: what the person asks for and what comes back. Unencrypted mail is searched on the
 * server (IMAP SEARCH, in main/services/mail); encrypted mail in a local index sealed under the
 * vault key (main/services/search). One search runs in steps: `mail:search:start` answers with
 * the first hits at once and a search id, `mail:search:more` continues it (older messages, further
 * mailboxes) until `done`, so a 50,000-message mailbox shows its newest hits without waiting for
 * the whole scan.
 */
import { z } from 'zod';
import { mailboxRefSchema, messageRowSchema } from './domain.js';
import { errorCodeSchema } from './result.js';

/** Which part of a message the words must be in. */
export const searchFieldSchema = z.enum(['all', 'from', 'to', 'subject', 'body']);
export type SearchField = z.infer<typeof searchFieldSchema>;

export const searchQuerySchema = z
  .object({
    /** Words that must all occur (in the chosen field); empty: the filters alone decide. */
    text: z.string().trim().max(200),
    field: searchFieldSchema,
    /** From the start of this day (ms since epoch, the person's local midnight). */
    since: z.number().int().nonnegative().optional(),
    /** Before the start of this day (ms since epoch). */
    before: z.number().int().nonnegative().optional(),
    unread: z.boolean().optional(),
    flagged: z.boolean().optional(),
    hasAttachment: z.boolean().optional(),
    /** Addressed (To or Cc) to one of the person's own addresses. */
    toMe: z.boolean().optional(),
  })
  .strict();
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export const searchScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mailbox'), mailbox: mailboxRefSchema }).strict(),
  /** Every mailbox of every account and team, except Trash, Junk and the team keys folder. */
  z.object({ kind: z.literal('all') }).strict(),
]);
export type SearchScope = z.infer<typeof searchScopeSchema>;

export const searchHitSchema = z.object({
  mailbox: mailboxRefSchema,
  row: messageRowSchema,
  /** `encrypted-index`: found inside an encrypted message by the local sealed index. */
  via: z.enum(['server', 'encrypted-index']),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchStepSchema = z.object({
  searchId: z.string(),
  hits: z.array(searchHitSchema),
  /** Nothing more to search (or the hit limit was reached). */
  done: z.boolean(),
  /** The limit of hits was reached: more may exist; narrow the search. */
  truncated: z.boolean(),
  /** Mailboxes that could not be searched, with why (the rest still are). */
  failed: z.array(z.object({ mailbox: mailboxRefSchema, code: errorCodeSchema })),
  /**
   * The local index of encrypted mail: `ready` (searched), `unavailable` (the vault key cannot be
   * used now: encrypted mail was not searched inside). Sent with the first step only.
   */
  encryptedIndex: z.enum(['ready', 'unavailable']).optional(),
  /** Encrypted messages the index holds (searched inside), with the first step. */
  encryptedIndexed: z.number().int().nonnegative().optional(),
});
export type SearchStep = z.infer<typeof searchStepSchema>;

export const searchIdSchema = z.uuid();

export const searchContract = {
  'mail:search:start': {
    request: z.object({ scope: searchScopeSchema, query: searchQuerySchema, limit: z.number().int().min(1).max(500) }).strict(),
    response: searchStepSchema,
  },
  'mail:search:more': { request: z.object({ searchId: searchIdSchema }).strict(), response: searchStepSchema },
  /** The person closed the search: its state in main is dropped. */
  'mail:search:end': { request: z.object({ searchId: searchIdSchema }).strict(), response: z.object({}) },
} as const;
