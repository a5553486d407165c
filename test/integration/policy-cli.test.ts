/**
 * The policy check as IT runs it (`npm run --silent policy -- …` and the built `sinetti-policy`
 * command), on message files: exit 0 when the message may leave as it is, 3 when it must not leave
 * as plain mail, 2 for unreadable input or an invalid policy — naming the field.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { docx } from '../support/fixtures/documents.js';

const root = resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sinetti-policy-cli-'));

function run(args: string[], via: 'npm' | 'bin' = 'npm'): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, argv] =
    via === 'npm'
      ? ['npm', ['run', '--silent', 'policy', '--', ...args]]
      : [join(root, 'node_modules/.bin/node'), [join(root, 'dist/cli/sinetti-policy.mjs'), ...args]];
  return new Promise((done) => {
    execFile(
      command as string,
      argv as string[],
      { cwd: root, env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` } },
      (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr: stderr.replace(/^npm warn .*\n/gm, '') });
      },
    );
  });
}

function eml(name: string, headers: Record<string, string>, body: string, attachment?: { filename: string; content: Buffer }): string {
  const head = Object.entries({ From: 'Anna <anna@kunta.example>', Date: new Date().toUTCString(), 'MIME-Version': '1.0', ...headers }).map(
    ([k, v]) => `${k}: ${v}`,
  );
  const text = attachment
    ? [
        ...head,
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        body,
        '--b',
        `Content-Type: application/octet-stream; name="${attachment.filename}"`,
        'Content-Transfer-Encoding: base64',
        '',
        attachment.content.toString('base64'),
        '--b--',
        '',
      ].join('\r\n')
    : [...head, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body, ''].join('\r\n');
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const policyFile = (name: string, policy: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof policy === 'string' ? policy : JSON.stringify(policy));
  return path;
};

const internalPolicy = { version: 1, domains: { internal: ['kunta.example'] }, actions: { sensitive: { internal: 'allow' } } };

beforeAll(() => {
  expect(existsSync(join(root, 'dist/cli/sinetti-policy.mjs')), 'build first (scripts/build.mjs)').toBe(true);
});

describe('policy check', () => {
  it('exits 0 for ordinary mail', async () => {
    const result = await run(['check', eml('plain.eml', { To: 'asiakas@example.net', Subject: 'Aukioloajat' }, 'Olemme avoinna arkisin 8–16.')]);
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('may leave as it is') });
  });

  it('exits 3 for an identity code in the body, with the finding masked and located (--json)', async () => {
    const result = await run([
      'check',
      eml('hetu.eml', { To: 'asiakas@example.net', Subject: 'Asiasi' }, 'Henkilötunnuksesi 131052-308T on kirjattu.'),
      '--json',
    ]);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      decision: 'secure',
      route: 'blocked',
      findings: [{ detector: 'identity-code', masked: '131052-****', where: { part: 'body', index: 0 } }],
    });
    expect(result.stdout).not.toContain('308T');
  });

  it('exits 3 for sensitive content in an attachment, and for anything in the subject', async () => {
    const attached = await run([
      'check',
      eml('att.eml', { To: 'asiakas@example.net', Subject: 'Liite' }, 'Liitteenä.', {
        filename: 'ilmoitus.docx',
        content: docx(['Lastensuojeluilmoituksen käsittely']),
      }),
    ]);
    expect(attached).toMatchObject({ code: 3, stdout: expect.stringContaining('in attachment ilmoitus.docx') });
    const subject = await run([
      'check',
      eml('subject.eml', { To: 'kollega@kunta.example', Subject: 'Asiakas 131052-308T' }, 'Katso.'),
      '--policy',
      policyFile('internal.json', internalPolicy),
    ]);
    expect(subject).toMatchObject({ code: 3, stdout: expect.stringContaining('the subject contains 131052-****') });
  });

  it('uses the given policy: sensitive mail to internal recipients may go as it is where IT allows it', async () => {
    const path = eml('internal.eml', { To: 'kollega@kunta.example', Subject: 'Päivitys' }, 'Toimeentulotukipäätös on tehty.');
    expect((await run(['check', path])).code).toBe(3);
    expect((await run(['check', path, '--policy', policyFile('internal2.json', internalPolicy)])).code).toBe(0);
  });

  it('exits 2 for an invalid policy, naming the field, and for unreadable input', async () => {
    const path = eml('x.eml', { To: 'a@example.net', Subject: 'x' }, 'x');
    const typo = await run(['check', path, '--policy', policyFile('typo.json', { version: 1, gateway: { enabld: true } })]);
    expect(typo).toMatchObject({ code: 2, stderr: expect.stringContaining('gateway: unknown field "enabld"') });
    expect(await run(['check', join(dir, 'missing.eml')])).toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') });
    expect(await run(['validate', policyFile('broken.json', '{ "version": 1,')])).toMatchObject({ code: 2, stderr: expect.stringContaining('not valid JSON') });
    expect(await run(['validate', policyFile('good.json', internalPolicy)])).toMatchObject({ code: 0, stdout: expect.stringContaining('valid') });
  });

  it('works the same through the built sinetti-policy command', async () => {
    const result = await run(['check', eml('bin.eml', { To: 'asiakas@example.net', Subject: 'Asia' }, 'Hetu 131052-308T')], 'bin');
    expect(result.code).toBe(3);
  });
});
