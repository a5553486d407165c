/**
 * CI's electronegativity gate reads the tool's CSV (the CLI exits 0 whatever it finds): every
 * finding above INFORMATIONAL without a justification next to the code fails the step.
 */
import { describe, expect, it } from 'vitest';
import { findingsFromCsv, isJustified, parseCsv, unjustified } from '../../../scripts/electronegativity-check.js';

const REPORT = [
  'issue, severity, confidence, filename, location, sample, description, url',
  'CSP_GLOBAL_CHECK,"LOW","FIRM","renderer/index.html","8:0","default-src \'self\'; style-src \'unsafe-inline\'","One or more CSP directives',
  'detected seems to be vulnerable, with ""quotes""",https://example.invalid/CSP',
  'OPEN_EXTERNAL_JS_CHECK,"MEDIUM","TENTATIVE","main/electron/external-links.ts","5:10","await shell.openExternal(vetted);","Review the use of openExternal",https://example.invalid/OE',
  'HTTP_RESOURCES_JS_CHECK,"INFORMATIONAL","FIRM","main/electron/main.ts","3:1","x","info only",https://example.invalid/H',
  'NODE_INTEGRATION_JS_CHECK,"HIGH","FIRM","main/electron/gone.ts","1:1","x","Disable nodeIntegration",https://example.invalid/N',
  '',
].join('\n');

describe('electronegativity gate', () => {
  it('reads the CSV report, multi-line quoted fields included', () => {
    expect(parseCsv('a,"b,c"\n"d\ne",f\n')).toEqual([
      ['a', 'b,c'],
      ['d\ne', 'f'],
    ]);
    const findings = findingsFromCsv(REPORT);
    expect(findings.map((f) => [f.check, f.severity, f.file, f.line])).toEqual([
      ['CSP_GLOBAL_CHECK', 'LOW', 'renderer/index.html', 8],
      ['OPEN_EXTERNAL_JS_CHECK', 'MEDIUM', 'main/electron/external-links.ts', 5],
      ['HTTP_RESOURCES_JS_CHECK', 'INFORMATIONAL', 'main/electron/main.ts', 3],
      ['NODE_INTEGRATION_JS_CHECK', 'HIGH', 'main/electron/gone.ts', 1],
    ]);
    expect(findings[0]!.description).toContain('"quotes"');
    expect(() => findingsFromCsv('not a report')).toThrow(/header/);
  });

  it('accepts a finding only with a comment naming its check on or just above its line', () => {
    const finding = findingsFromCsv(REPORT)[1]!;
    const justified = ['a', 'b', '// electronegativity: OPEN_EXTERNAL_JS_CHECK — vetted first', 'c', 'await shell.openExternal(vetted);'].join('\n');
    expect(isJustified(finding, justified)).toBe(true);
    expect(isJustified(finding, justified.replace('OPEN_EXTERNAL_JS_CHECK', 'CSP_GLOBAL_CHECK'))).toBe(false);
    const farAbove = ['// electronegativity: OPEN_EXTERNAL_JS_CHECK', ...Array(10).fill('x'), 'await shell.openExternal(vetted);'].join('\n');
    expect(isJustified({ ...finding, line: 12 }, farAbove)).toBe(false);
  });

  it('fails on every finding above INFORMATIONAL that is not justified, and on findings in files it cannot read', () => {
    const sources: Record<string, string> = {
      'renderer/index.html': [
        '<html>',
        '<!-- electronegativity: CSP_GLOBAL_CHECK — Griffel needs inline styles -->',
        'x',
        'x',
        'x',
        'x',
        'x',
        '<meta csp>',
      ].join('\n'),
      'main/electron/external-links.ts': 'a\nb\nc\nd\nawait shell.openExternal(vetted);',
      'main/electron/main.ts': 'x',
    };
    const open = unjustified(findingsFromCsv(REPORT), (file) => sources[file] ?? null);
    expect(open.map((f) => f.check)).toEqual(['OPEN_EXTERNAL_JS_CHECK', 'NODE_INTEGRATION_JS_CHECK']);
  });
});
