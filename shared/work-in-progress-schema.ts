/**
 * Work that an update must not interrupt: messages in the outbox (the services know) and open
 * composers (only the page knows: it reports how many are open; an open composer counts as
 * unsaved, whatever its autosave says, because the person may be typing). The Electron layer asks
 * before installing an update; any failure to answer counts as "busy".
 */
import { z } from 'zod';

export const workInProgressSchema = z.object({
  outbox: z.number().int().nonnegative(),
  openComposers: z.number().int().nonnegative(),
});
export type WorkInProgress = z.infer<typeof workInProgressSchema>;

export const workInProgressContract = {
  'app:work:report': { request: z.object({ openComposers: z.number().int().min(0).max(20) }).strict(), response: z.object({}) },
  'app:work:state': { request: z.object({}).strict(), response: workInProgressSchema },
} as const;
