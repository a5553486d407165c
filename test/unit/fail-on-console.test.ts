/**
 * The unit-test console guard (fail-on-console.ts, loaded for every unit test file): each check
 * here reads and clears what the guard collected, so the guard's own afterEach sees a clean
 * console; without those reads these tests would fail exactly as any other test does.
 */
import { describe, expect, it } from 'vitest';
import { expectConsole, takeConsoleProblems } from './fail-on-console.js';

describe('console warnings fail unit tests', () => {
  it('collects a console.warn and a console.error written during a test', () => {
    console.warn('something looks wrong: %s', 'details');
    console.error(new Error('broken'));
    const problems = takeConsoleProblems();
    expect(problems).toContain('console.warn: something looks wrong: details');
    expect(problems).toContain('console.error: Error: broken');
    expect(takeConsoleProblems()).toBeUndefined();
  });

  it('lets a test provoke a warning it declared, and only that one', () => {
    expectConsole('warn', /deprecated option/);
    console.warn('the deprecated option was used');
    console.warn('an unrelated warning');
    expect(takeConsoleProblems()).toBe('Console warnings and errors fail unit tests (see test/unit/fail-on-console.ts):\nconsole.warn: an unrelated warning');
  });

  it('does not let a declared warning of one kind excuse the other kind', () => {
    expectConsole('warn', /boom/);
    console.error('boom');
    const problems = takeConsoleProblems();
    expect(problems).toContain('console.error: boom');
    expect(problems).toContain('expected console.warn matching /boom/ did not happen');
  });

  it('fails a declaration whose warning never came', () => {
    expectConsole('error', /never written/);
    expect(takeConsoleProblems()).toContain('expected console.error matching /never written/ did not happen');
  });

  it('leaves console.log and console.info alone', () => {
    console.info('progress is not a warning');
    expect(takeConsoleProblems()).toBeUndefined();
  });
});
