/**
 * Cross-check of the identity-code validator against an independent implementation: Debian's
 * python3-stdnum (`stdnum.fi.hetu`), on thousands of generated valid and invalid codes. Debian's
 * stdnum (1.18) predates the 2023 century signs, so a code with a new sign is asked as the code
 * with the older sign of the same century (`Y…U` → `-`, `B…F` → `A`): the check character does
 * not include the sign, so that is exactly the rule the new signs follow.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkHetu, hetuCheckCharacter } from '../../main/services/policy/detectors/hetu.js';

const SIGNS = ['+', '-', 'Y', 'X', 'W', 'V', 'U', 'A', 'B', 'C', 'D', 'E', 'F'];
const LEGACY: Record<string, string> = { Y: '-', X: '-', W: '-', V: '-', U: '-', B: 'A', C: 'A', D: 'A', E: 'A', F: 'A' };

/** Deterministic pseudo-random numbers, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function generate(count: number): string[] {
  const next = random(20231201);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    // Mostly plausible dates (some impossible ones: day 29–31 of every month), all signs.
    const first10 = `${pad(1 + Math.floor(next() * 31), 2)}${pad(1 + Math.floor(next() * 12), 2)}${pad(Math.floor(next() * 100), 2)}${pick(SIGNS)}${pad(Math.floor(next() * 1000), 3)}`;
    const kind = next();
    const check = kind < 0.6 ? hetuCheckCharacter(first10) : pick('0123456789ABCDEFHJKLMNPRSTUVWXY'.split(''));
    const code = first10 + check;
    codes.push(kind > 0.9 ? code.toLowerCase() : code);
  }
  return codes;
}

function stdnumVerdicts(codes: string[]): boolean[] {
  const script = [
    'import sys',
    'from stdnum.fi import hetu',
    'for line in sys.stdin:',
    '    print("1" if hetu.is_valid(line.strip(), allow_temporary=True) else "0")',
  ].join('\n');
  const asked = codes.map((code) => code.slice(0, 6) + (LEGACY[code[6]!.toUpperCase()] ?? code[6]!.toUpperCase()) + code.slice(7));
  // Debian's interpreter, where python3-stdnum is installed (not a pyenv shim on PATH).
  const output = execFileSync('/usr/bin/python3', ['-c', script], { input: asked.join('\n') + '\n', maxBuffer: 16 * 1024 * 1024 }).toString();
  return output
    .trim()
    .split('\n')
    .map((line) => line === '1');
}

describe('identity-code validator vs python3-stdnum', () => {
  it('agrees on 20,000 generated codes (valid and invalid, every century sign, both cases)', () => {
    const codes = generate(20_000);
    const theirs = stdnumVerdicts(codes);
    const ours = codes.map((code) => checkHetu(code).valid);
    const disagreements = codes.filter((_, i) => ours[i] !== theirs[i]);
    expect(disagreements).toEqual([]);
    // The sample must exercise both outcomes and every sign, or agreement means little.
    expect(ours.filter(Boolean).length).toBeGreaterThan(5_000);
    expect(ours.filter((v) => !v).length).toBeGreaterThan(5_000);
    for (const sign of SIGNS) expect(codes.some((code, i) => code[6]!.toUpperCase() === sign && ours[i])).toBe(true);
  });
});
