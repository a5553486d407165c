/**
 * Trust boundary: every request from a renderer (Electron IPC or the browser host's socket) passes
 * through here. Invariants: the channel must be in the contract, the payload must parse with the
 * channel's schema before any handler runs (a payload that makes validation itself throw is a
 * VALIDATION error too), handlers never throw across the boundary (errors
 * become `{ ok: false }` results with a contract error code), and error messages are logged
 * without request payloads (which may carry passwords or message content).
 */
import { contract } from '../../../shared/contract.js';
import { isRequestChannel, type RequestChannel } from '../../../shared/channels.js';
import { fail, ok, ServiceError, type Result } from '../../../shared/result.js';
import type { ServiceHandlers } from '../../../shared/contract.js';
import type { Logger } from '../logging/logger.js';

export interface Dispatcher {
  dispatch(channel: unknown, payload: unknown): Promise<Result<unknown>>;
}

export function createDispatcher(handlers: ServiceHandlers, log: Logger): Dispatcher {
  return {
    async dispatch(channel, payload) {
      if (!isRequestChannel(channel)) {
        return fail('VALIDATION', 'Unknown channel');
      }
      let parsed: ReturnType<(typeof contract)[typeof channel]['request']['safeParse']>;
      try {
        parsed = contract[channel].request.safeParse(payload ?? {});
      } catch {
        // Whatever the payload is (a hostile structure, a throwing getter), it never reaches a handler.
        return fail('VALIDATION', `Invalid request for ${channel}`);
      }
      if (!parsed.success) {
        return fail('VALIDATION', `Invalid request for ${channel}: ${summarizeIssues(parsed.error.issues)}`);
      }
      try {
        const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
        const value = await handler(parsed.data);
        return ok(value);
      } catch (error) {
        return toFailure(channel, error, log);
      }
    },
  };
}

function summarizeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  // Paths and messages only: zod issues can echo the received value, which may be a secret.
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

function toFailure(channel: RequestChannel, error: unknown, log: Logger): Result<unknown> {
  if (error instanceof ServiceError) {
    log.info('request failed', { channel, code: error.code });
    return fail(error.code, error.message);
  }
  log.error('request crashed', { channel, error: error instanceof Error ? error.name : typeof error });
  return fail('INTERNAL', 'Internal error');
}
