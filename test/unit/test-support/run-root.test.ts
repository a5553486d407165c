/**
 * The per-run temporary root (test/support/run-root.ts): placed where the servers' own users can
 * reach it even when TMPDIR (or a checkout) sits in a private directory, and cleaned up without
 * ever failing a run.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRunRoot, removeTree, serverReachProblem, untraversableAncestor } from '../../support/run-root.js';

// A base every user can reach, whatever TMPDIR this test run has.
const base = makeRunRoot('sinetti-runroot-unit-', { needsOtherUsers: true, note: () => undefined });
afterAll(() => removeTree(base));

/** A directory only its owner may enter (like /root or a 0700 home), with a checkout-like tree inside. */
function privateDir(): string {
  const dir = mkdtempSync(join(base, 'private-'));
  chmodSync(dir, 0o700);
  mkdirSync(join(dir, 'checkout', '.tmp'), { recursive: true, mode: 0o755 });
  return dir;
}

describe('untraversableAncestor', () => {
  it('names the private directory on the way, whatever the modes below it', () => {
    const dir = privateDir();
    expect(untraversableAncestor(join(dir, 'checkout', '.tmp'))).toEqual({ path: dir, mode: 0o700 });
    expect(untraversableAncestor(join(dir, 'checkout', '.tmp', 'not-yet-created'))).toEqual({ path: dir, mode: 0o700 });
  });

  it('finds nothing on a world-traversable path', () => {
    const dir = privateDir();
    chmodSync(dir, 0o711);
    expect(untraversableAncestor(join(dir, 'checkout', '.tmp'))).toBeNull();
  });
});

describe('serverReachProblem', () => {
  it('says which directory blocks the servers and what to do', () => {
    const dir = privateDir();
    const problem = serverReachProblem(join(dir, 'checkout', '.tmp'), true);
    expect(problem).toContain(`${dir} (mode 0700)`);
    expect(problem).toContain('TMPDIR=/tmp');
    expect(problem).toContain(`chmod o+x ${dir}`);
  });

  it('has nothing to say when the servers run as this user', () => {
    expect(serverReachProblem(privateDir(), false)).toBeNull();
  });
});

describe('makeRunRoot', () => {
  it('passes over a TMPDIR in a private directory and tells why, when servers run as other users', () => {
    const privateTmp = join(privateDir(), 'checkout', '.tmp');
    const fallback = mkdtempSync(join(base, 'shared-'));
    chmodSync(fallback, 0o755);
    const notes: string[] = [];
    const root = makeRunRoot('sinetti-run-', { parents: [privateTmp, fallback], needsOtherUsers: true, note: (m) => notes.push(m) });
    expect(dirname(root)).toBe(fallback);
    expect(statSync(root).mode & 0o777).toBe(0o711);
    expect(untraversableAncestor(root)).toBeNull();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(dirname(dirname(privateTmp)));
    expect(notes[0]).toContain(`Using ${root} instead`);
  });

  it('stays in TMPDIR when the servers run as this user', () => {
    const privateTmp = join(privateDir(), 'checkout', '.tmp');
    const root = makeRunRoot('sinetti-run-', { parents: [privateTmp, '/tmp'], needsOtherUsers: false });
    expect(dirname(root)).toBe(privateTmp);
    expect(statSync(root).mode & 0o777).toBe(0o711);
  });

  it('refuses with the fix when no candidate is reachable', () => {
    const privateTmp = join(privateDir(), 'checkout', '.tmp');
    expect(() => makeRunRoot('sinetti-run-', { parents: [privateTmp], needsOtherUsers: true })).toThrow(/chmod o\+x/);
  });

  it('gives every run its own root', () => {
    const a = makeRunRoot('sinetti-run-', { parents: [base], needsOtherUsers: true });
    const b = makeRunRoot('sinetti-run-', { parents: [base], needsOtherUsers: true });
    expect(a).not.toBe(b);
  });
});

describe('removeTree', () => {
  it('removes a tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sinetti-remove-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    writeFileSync(join(dir, 'a', 'b', 'S.gpg-agent'), '');
    expect(removeTree(dir)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('turns a tree that keeps changing (ENOTEMPTY) into a warning, never an error', () => {
    const warnings: string[] = [];
    const busy = () => {
      throw Object.assign(new Error('ENOTEMPTY: directory not empty, rmdir'), { code: 'ENOTEMPTY' });
    };
    expect(removeTree('/tmp/sinetti-gpg-busy', { rm: busy, warn: (m) => warnings.push(m) })).toBe(false);
    expect(warnings).toEqual(['could not remove /tmp/sinetti-gpg-busy (ENOTEMPTY); left in place']);
  });
});
