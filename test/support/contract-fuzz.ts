/**
 * Hostile payloads for every channel of the contract, shared by the browser-host bridge and the
 * Electron IPC robustness tests: non-objects, wrong types in every field the channel's schema
 * names, `__proto__` / `constructor.prototype` keys (as JSON.parse makes them: own properties),
 * deeply nested and large values. And the check every answer must pass.
 */
import { expect } from 'vitest';
import { z } from 'zod';
import { REQUEST_CHANNELS, type RequestChannel } from '../../shared/channels.js';
import { contract } from '../../shared/contract.js';
import { ERROR_CODES } from '../../shared/result.js';

/** Nested `{ a: { a: … } }` `depth` levels deep, built without recursion. */
export function deepObject(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

export function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** The same as JSON text, for depths JSON.stringify (recursive) cannot reach. */
export const deepObjectJson = (depth: number) => '{"a":'.repeat(depth) + '{}' + '}'.repeat(depth);
export const deepArrayJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const pollute = () => JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}') as unknown;

/** Values of every wrong kind, each small enough to send hundreds of times. */
export const WRONG_VALUES: readonly unknown[] = [
  null,
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  'x',
  '../../etc/passwd',
  true,
  [],
  [null],
  {},
  pollute(),
  // Deep, but within the bridge's frame depth limit so the dispatcher sees them.
  deepObject(50),
  deepArray(50),
  'ä'.repeat(100_000),
];

/** The field names a request schema knows (objects, unions of objects, extended objects). */
export function fieldsOf(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodUnion || schema instanceof z.ZodDiscriminatedUnion) return [...new Set((schema.options as z.ZodType[]).flatMap(fieldsOf))];
  if (schema instanceof z.ZodPipe) return fieldsOf(schema.in as z.ZodType);
  return [];
}

/** Payloads for one channel: every wrong value as the whole payload and in each known field. */
export function hostilePayloads(channel: RequestChannel): unknown[] {
  const payloads: unknown[] = [...WRONG_VALUES];
  for (const field of fieldsOf(contract[channel].request)) {
    for (const value of WRONG_VALUES) payloads.push({ [field]: value });
    payloads.push(JSON.parse(`{"${field}": {"__proto__": {"polluted": "yes"}}, "__proto__": {"polluted": "yes"}}`));
  }
  return payloads;
}

/** Every channel of the contract, checked against the channel list the hosts register. */
export function allChannels(): readonly RequestChannel[] {
  expect(Object.keys(contract).sort()).toEqual([...REQUEST_CHANNELS].sort());
  return REQUEST_CHANNELS;
}

/** An answer is a Result with a contract error code; a success only for a payload the schema accepts. */
export function expectResult(answer: unknown): void {
  expect(answer).toEqual(expect.objectContaining({ ok: expect.any(Boolean) }));
  const result = answer as { ok: boolean; error?: { code: string; message: string } };
  if (!result.ok) {
    expect(ERROR_CODES).toContain(result.error?.code);
    expect(typeof result.error?.message).toBe('string');
  }
}

/** What a handler received: the schema's own parse, nothing smuggled past it, no prototype games. */
export function expectCleanRequest(channel: RequestChannel, received: unknown): void {
  expect(contract[channel].request.safeParse(received).success).toBe(true);
  if (typeof received === 'object' && received !== null) expect(Object.getPrototypeOf(received)).toBe(Object.prototype);
  expect(JSON.stringify(received) ?? '').not.toContain('__proto__');
  expect(JSON.stringify(received) ?? '').not.toContain('polluted');
}

export function expectNoPollution(): void {
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}
