/**
 * How complex a message may be for this app to open it: its BODYSTRUCTURE (or MIME tree) is
 * counted — parts and nesting, without recursion — before anything plans downloads over it.
 * A message over the limits, or one whose BODYSTRUCTURE the IMAP library had to drop (imapflow
 * replaces a data item nested over 100 levels with NIL and keeps the row), is MESSAGE_TOO_COMPLEX:
 * said as what it is, never "the message no longer exists", and never minutes of work.
 */
import { ServiceError } from '../../../shared/result.js';
import type { BodyStructureNode } from './message-row.js';

/** Real mail stays far below both (a digest of a few hundred messages is the widest seen). */
export const MAX_MESSAGE_PARTS = 1000;
export const MAX_MESSAGE_DEPTH = 40;

export function tooComplex(): ServiceError {
  return new ServiceError('MESSAGE_TOO_COMPLEX', 'The message is too deeply nested or has too many parts to open safely.');
}

/**
 * The message's structure from a FETCH result: MESSAGE_GONE when the server returned nothing,
 * MESSAGE_TOO_COMPLEX when the structure is missing from a row that exists or is over the limits.
 */
export function openable<M extends { bodyStructure?: unknown }>(meta: M | false | null | undefined): { meta: M; structure: BodyStructureNode } {
  if (!meta) throw new ServiceError('MESSAGE_GONE', 'The message no longer exists on the server.');
  if (!meta.bodyStructure) throw tooComplex();
  const structure = meta.bodyStructure as BodyStructureNode;
  assertWithinLimits(structure);
  return { meta, structure };
}

/** postal-mime's own limits (nesting depth, header bytes) are limits too, not damage. */
export function parseFailure(error: unknown): ServiceError {
  if (/nesting depth|header size/i.test((error as Error)?.message ?? '')) return tooComplex();
  return new ServiceError('MESSAGE_PARSE', 'The message is malformed and could not be read.');
}

export function assertWithinLimits(structure: BodyStructureNode): void {
  let parts = 0;
  const stack: { node: BodyStructureNode; depth: number }[] = [{ node: structure, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (++parts > MAX_MESSAGE_PARTS || item.depth > MAX_MESSAGE_DEPTH) throw tooComplex();
    for (const child of item.node.childNodes ?? []) stack.push({ node: child, depth: item.depth + 1 });
  }
}
