/**
 * Unit-test set-up (vitest.config.ts, unit project): a console.warn or console.error during a
 * unit test fails that test. Warnings are how React, Fluent and Node report misuse (a wrong hook
 * order, `mergeClasses` given a joined class string, an unhandled state update); read by nobody,
 * they pile up until the one that matters is lost among them.
 *
 * A test that provokes a warning on purpose declares it with `expectConsole('warn', /pattern/)`
 * in the test itself: matching calls are then swallowed, and the test fails if the declared
 * warning never came (so a declaration cannot outlive the behaviour it documents). There is no
 * file-wide or global allowlist.
 */
import { format } from 'node:util';
import { afterAll, afterEach } from 'vitest';

type Kind = 'warn' | 'error';
interface Expectation {
  kind: Kind;
  pattern: RegExp;
  seen: number;
}
interface ConsoleGuard {
  unexpected: string[];
  expected: Expectation[];
}

// On globalThis: the set-up file and a test importing expectConsole share one guard even if the
// module were loaded twice.
const KEY = Symbol.for('sinetti.test.console-guard');
const globals = globalThis as typeof globalThis & { [KEY]?: ConsoleGuard };

function guard(): ConsoleGuard {
  if (!globals[KEY]) {
    const state: ConsoleGuard = { unexpected: [], expected: [] };
    globals[KEY] = state;
    for (const kind of ['warn', 'error'] as const) {
      const original = console[kind].bind(console);
      console[kind] = (...args: unknown[]) => {
        const text = format(...args);
        const expectation = state.expected.find((e) => e.kind === kind && e.pattern.test(text));
        if (expectation) {
          expectation.seen++;
          return;
        }
        state.unexpected.push(`console.${kind}: ${text}`);
        original(...args);
      };
    }
  }
  return globals[KEY];
}

/** Declares that the current test provokes a console warning (or error) matching the pattern on purpose. */
export function expectConsole(kind: Kind, pattern: RegExp): void {
  guard().expected.push({ kind, pattern, seen: 0 });
}

/** What went wrong in the console since the last check, as one message (undefined when nothing). */
export function takeConsoleProblems(): string | undefined {
  const state = guard();
  const problems = state.unexpected.splice(0);
  const missing = state.expected.filter((e) => e.seen === 0).map((e) => `expected console.${e.kind} matching ${e.pattern} did not happen`);
  state.expected = [];
  const all = [...problems, ...missing];
  return all.length ? `Console warnings and errors fail unit tests (see test/unit/fail-on-console.ts):\n${all.join('\n')}` : undefined;
}

guard();

afterEach(() => {
  const problems = takeConsoleProblems();
  if (problems) throw new Error(problems);
});

// Whatever was written outside any test (at import, in beforeAll/afterAll, or by work a test left running).
afterAll(() => {
  const problems = takeConsoleProblems();
  if (problems) throw new Error(problems);
});
