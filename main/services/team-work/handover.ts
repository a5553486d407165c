/**
 * Handover in one action: everything one member has open in a team mailbox is released to the
 * queue (a person going on leave) or shared out, oldest first and in turn, among the members
 * named (a lead moving work). Each message is its own claim change on the server, so a message
 * someone else took meanwhile is reported back with its code and the rest still move.
 */
import { ServiceError } from '../../../shared/result.js';
import type { TeamWorkActions, TeamWorkRef, TeamWorkSource } from './team-work-source.js';

export interface HandoverResult {
  moved: number;
  failed: { uid: number; code: string }[];
}

export async function handOver(source: TeamWorkSource & TeamWorkActions, team: TeamWorkRef, from: string, to: readonly string[]): Promise<HandoverResult> {
  const member = from.toLowerCase();
  const targets = [...new Set(to.map((t) => t.toLowerCase()))];
  if (targets.includes(member)) throw new ServiceError('VALIDATION', 'Hand the messages over to someone else than the member they come from.');
  const open = (await source.items(team))
    .filter((item) => item.status !== 'done' && item.handler?.memberId.toLowerCase() === member)
    .sort((a, b) => a.receivedAt - b.receivedAt || a.uid - b.uid);
  const result: HandoverResult = { moved: 0, failed: [] };
  for (const [index, item] of open.entries()) {
    try {
      if (targets.length === 0) await source.release(team, item.uid);
      else await source.reassign(team, item.uid, item.handler!.memberId, targets[index % targets.length]!);
      result.moved++;
    } catch (error) {
      result.failed.push({ uid: item.uid, code: error instanceof ServiceError ? error.code : 'INTERNAL' });
    }
  }
  return result;
}
