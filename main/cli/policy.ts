/**
 * The policy check for IT and support: what the send rules decide for a message file, as if it
 * were sent to its To/Cc recipients, with the same decision code the send gate uses.
 *
 *   npm run --silent policy -- check <message.eml>... [--policy <policy.json>] [--json]
 *   npm run --silent policy -- validate <policy.json>
 *
 * Exit codes: 0 it may leave as it is; 3 it must not leave as plain mail (a secure route, a
 * written reason, or not at all); 2 unreadable input or an invalid policy (the message says which
 * field). Several files (a folder of samples, say) are checked in one run: the exit code is the
 * worst of them (2 over 3 over 0), and --json prints an array with each file's name. Without --policy the built-in default applies. Recipients' keys are not known here, so
 * every recipient counts as having none: the route shown is the one for a person without keys.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { htmlHiddenText, htmlToDetectorText } from '../services/policy/detectors/html-text.js';
import PostalMime from 'postal-mime';
import { loadBuiltinVocabulary, textDetectors } from '../services/policy/detectors/builtin-vocabulary.js';
import { decide, type Decision, type DraftForDecision } from '../services/policy/decide.js';
import { readPolicyLayer } from '../services/policy/managed-policy.js';
import { resolvePolicy } from '../services/policy/policy-layers.js';
import type { PolicyLayer } from '../../shared/policy-schema.js';

class UsageError extends Error {}

export async function draftFromEml(raw: Buffer): Promise<DraftForDecision> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const addresses = [...(email.to ?? []), ...(email.cc ?? [])]
    .flatMap((a) => ('group' in a && a.group ? a.group : [a]))
    .map((a) => (a as { address?: string }).address ?? '')
    .filter(Boolean);
  const bodyTexts = [email.text, email.html ? htmlToDetectorText(email.html) : undefined, email.html ? htmlHiddenText(email.html) : undefined].filter(
    (t): t is string => !!t,
  );
  return {
    subject: email.subject ?? '',
    bodyTexts,
    attachments: email.attachments.map((a) => ({
      filename: a.filename ?? '',
      contentType: a.mimeType,
      content: new Uint8Array(a.content as ArrayBuffer),
      referencedInline: referencedInline(a, email.html),
    })),
    recipients: addresses,
  };
}

/** An inline part whose Content-ID the HTML body shows (`<img src="cid:logo@x">`). */
function referencedInline(attachment: { disposition?: string | null; contentId?: string }, html: string | undefined): boolean {
  const id = attachment.contentId?.replace(/^<|>$/g, '');
  return attachment.disposition !== 'attachment' && !!id && !!html && html.toLowerCase().includes(`cid:${id.toLowerCase()}`);
}

export async function checkMessage(raw: Buffer, layer: PolicyLayer | null): Promise<Decision> {
  const { policy } = resolvePolicy({ managed: layer });
  const detectors = textDetectors(loadBuiltinVocabulary(), policy.vocabularies.add);
  return decide(await draftFromEml(raw), { policy, detectors, hasAcceptedKey: async () => false });
}

/** 0: may leave as it is; 3: must not leave as plain mail. */
export function exitCodeFor(decision: Decision): 0 | 3 {
  return decision.route === 'plain' && !decision.justificationRequired ? 0 : 3;
}

function readPolicyFile(path: string): PolicyLayer {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the policy ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const result = readPolicyLayer(text);
  if ('problems' in result) throw new UsageError(`the policy ${path} is invalid:\n${result.problems.map((p) => `  ${p}`).join('\n')}`);
  return result.layer;
}

async function checkFile(file: string, layer: PolicyLayer | null): Promise<Decision> {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return await checkMessage(raw, layer);
  } catch (error) {
    throw new UsageError(`the message ${file} cannot be read: ${(error as Error).message}`);
  }
}

function describe(decision: Decision): string {
  const verdict =
    exitCodeFor(decision) === 0
      ? 'may leave as it is'
      : decision.route === 'blocked'
        ? 'must not leave'
        : decision.justificationRequired
          ? 'may leave only with a written reason'
          : `must leave by a secure route (${decision.route})`;
  const lines = [`decision:    ${verdict}`, `route:       ${decision.route}`];
  for (const b of decision.blocked) {
    if (b.code === 'subject-finding') lines.push(`refused:     the subject contains ${b.findings.map((f) => f.masked).join(', ')}; move it to the body`);
    if (b.code === 'recipient-unreachable') lines.push(`refused:     no safe route to ${b.addresses.join(', ')}`);
    if (b.code === 'attachment-too-large') lines.push(`refused:     ${b.filenames.join(', ')} larger than ${b.maxSizeMb} MB`);
    if (b.code === 'no-recipients') lines.push('refused:     no recipients');
  }
  for (const r of decision.recipients) lines.push(`recipient:   ${r.address} (${r.class}) → ${r.route} [${r.action}, ${r.reason}]`);
  for (const f of decision.findings) {
    const where = f.where.part === 'attachment' ? `attachment ${f.where.filename}` : f.where.part;
    lines.push(`found:       ${f.masked} — ${f.label}, ${f.confidence} confidence, in ${where}`);
  }
  for (const n of decision.notScanned) lines.push(`not scanned: ${n.filename} (${n.reason})`);
  return `${lines.join('\n')}\n`;
}

export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'validate') {
      if (rest.length !== 1) throw new UsageError('usage: policy validate <policy.json>');
      readPolicyFile(rest[0]!);
      out.write(`${rest[0]}: valid\n`);
      return 0;
    }
    if (command !== 'check') throw new UsageError('usage: policy check <message.eml> [--policy <policy.json>] [--json] | policy validate <policy.json>');
    const files: string[] = [];
    let policyPath: string | undefined;
    let json = false;
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i]!;
      if (arg === '--json') json = true;
      else if (arg === '--policy') {
        policyPath = rest[++i];
        if (!policyPath) throw new UsageError('--policy needs a file');
      } else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
      else files.push(arg);
    }
    if (files.length === 0) throw new UsageError('usage: policy check <message.eml>... [--policy <policy.json>] [--json]');
    const layer = policyPath ? readPolicyFile(policyPath) : null;
    const results: ({ file: string; code: 0 | 3; decision: Decision } | { file: string; code: 2; error: string })[] = [];
    for (const file of files) {
      try {
        const decision = await checkFile(file, layer);
        results.push({ file, code: exitCodeFor(decision), decision });
      } catch (error) {
        if (!(error instanceof UsageError) || files.length === 1) throw error;
        results.push({ file, code: 2, error: error.message });
      }
    }
    const report = (r: (typeof results)[number]) =>
      'error' in r
        ? { file: r.file, error: r.error }
        : { ...(files.length > 1 ? { file: r.file } : {}), decision: r.code === 0 ? 'allow' : 'secure', ...r.decision };
    if (json) out.write(`${JSON.stringify(files.length === 1 ? report(results[0]!) : results.map(report), null, 2)}\n`);
    else for (const r of results) out.write(`${files.length > 1 ? `== ${r.file}\n` : ''}${'error' in r ? `unreadable:  ${r.error}\n` : describe(r.decision)}`);
    for (const r of results) if ('error' in r) err.write(`policy: ${r.error}\n`);
    return results.some((r) => r.code === 2) ? 2 : results.some((r) => r.code === 3) ? 3 : 0;
  } catch (error) {
    err.write(`policy: ${(error as Error).message}\n`);
    return 2;
  }
}

// Runs only as a command, never when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`policy: ${(error as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
