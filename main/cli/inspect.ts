/**
 * `npm run --silent inspect -- <message.eml> [--key <file>]... [--passphrase-file <file>] [--json]`
 *
 * Prints what Sinetti would show for a message: encrypted or not and to which key IDs, whether it
 * decrypted, integrity, and the signature verdict. For support and IT. It runs the same code as
 * the app (pgp-mime-reader, message-crypto, the strict openpgp config), never a second
 * implementation. Keys given with --key are used for this run only; nothing is stored.
 *
 * Exit codes: 0 the message could be shown, 4 it was refused (integrity failure, no key),
 * 2 unreadable input or bad usage.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decryptKey, readKeys, readMessage, readPrivateKeys, type Key, type PrivateKey } from 'openpgp';
import PostalMime from 'postal-mime';
import type { CryptoStatus } from '../../shared/domain.js';
import { OPENPGP_CONFIG } from '../services/crypto/openpgp-policy.js';
import { staticKeyProvider } from '../services/crypto/key-provider.js';
import { openEncrypted } from '../services/crypto/pgp-mime-reader.js';

type Integrity = 'protected' | 'missing' | 'failed' | 'not-applicable';

export interface InspectReport {
  encrypted: boolean;
  recipientKeyIds: string[];
  decrypted: boolean;
  integrity: Integrity;
  signature: { verdict: CryptoStatus['signature']['status']; fingerprint?: string; keyId?: string; signer?: string[]; matchesFrom: boolean };
  subject: string;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): { file: string; keyFiles: string[]; passphraseFile?: string; json: boolean } {
  const keyFiles: string[] = [];
  let file: string | undefined;
  let passphraseFile: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--key') keyFiles.push(argv[++i] ?? '');
    else if (arg === '--passphrase-file') passphraseFile = argv[++i];
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (!file) file = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (!file) throw new UsageError('usage: inspect <message.eml> [--key <file>]... [--passphrase-file <file>] [--json]');
  if (keyFiles.some((k) => !k)) throw new UsageError('--key needs a file');
  return { file, keyFiles, passphraseFile, json };
}

async function loadKeys(files: string[], passphrase?: string): Promise<{ secret: PrivateKey[]; public: Key[] }> {
  const secret: PrivateKey[] = [];
  const pub: Key[] = [];
  for (const file of files) {
    const armored = readFileSync(file, 'utf8');
    if (/PRIVATE KEY BLOCK/.test(armored)) {
      for (const key of await readPrivateKeys({ armoredKeys: armored, config: OPENPGP_CONFIG })) {
        secret.push(key.isDecrypted() ? key : await decryptKey({ privateKey: key, passphrase: passphrase ?? '', config: OPENPGP_CONFIG }));
      }
    } else {
      pub.push(...(await readKeys({ armoredKeys: armored, config: OPENPGP_CONFIG })));
    }
  }
  return { secret, public: pub };
}

export async function inspect(raw: Buffer, keys: { secret: PrivateKey[]; public: Key[] }): Promise<InspectReport> {
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const contentType = (email.headers.find((h) => h.key === 'content-type')?.value ?? '').toLowerCase();
  const from = email.from?.address ?? '';
  const fromCount = email.headers.filter((h) => h.key === 'from').length;
  const encryptedRoot = contentType.startsWith('multipart/encrypted') && contentType.includes('application/pgp-encrypted');
  const none = { verdict: 'none' as const, matchesFrom: false };
  if (!encryptedRoot) {
    return { encrypted: false, recipientKeyIds: [], decrypted: false, integrity: 'not-applicable', signature: none, subject: email.subject ?? '' };
  }
  const part = email.attachments.find((a) => a.mimeType.toLowerCase() === 'application/octet-stream');
  if (!part) throw new Error('multipart/encrypted without an encrypted part');
  const ciphertext = Buffer.from(part.content as ArrayBuffer);
  const integrity = await integrityOf(ciphertext);
  const opened = await openEncrypted(ciphertext, fromCount === 1 ? from : '', staticKeyProvider(keys.secret, keys.public));
  const status = opened.status;
  let subject = email.subject ?? '';
  if (opened.mime && status.protectedSubject) subject = (await PostalMime.parse(opened.mime)).subject ?? subject;
  return {
    encrypted: true,
    recipientKeyIds: status.recipientKeyIds.length ? status.recipientKeyIds : await recipientIds(ciphertext),
    decrypted: status.decryption === 'decrypted',
    integrity: status.decryption === 'decrypted' ? 'protected' : integrity === 'protected' && status.decryption === 'failed' ? 'failed' : integrity,
    signature: {
      verdict: status.signature.status,
      fingerprint: status.signature.fingerprint,
      keyId: status.signature.keyId,
      signer: status.signature.signerUserIds,
      matchesFrom: status.signature.status === 'good',
    },
    subject,
  };
}

/** Whether the ciphertext carries integrity protection at all (SEIPD/AEAD vs the legacy packet). */
async function integrityOf(ciphertext: Buffer): Promise<Integrity> {
  try {
    const message = await readMessage({ armoredMessage: ciphertext.toString('latin1'), config: OPENPGP_CONFIG });
    const tags = message.packets.map((p) => (p.constructor as { tag?: number }).tag);
    return tags.includes(18) || tags.includes(20) ? 'protected' : tags.includes(9) ? 'missing' : 'failed';
  } catch {
    return 'failed';
  }
}

async function recipientIds(ciphertext: Buffer): Promise<string[]> {
  try {
    const message = await readMessage({ armoredMessage: ciphertext.toString('latin1'), config: OPENPGP_CONFIG });
    return message.getEncryptionKeyIDs().map((id) => id.toHex().toUpperCase());
  } catch {
    return [];
  }
}

function describe(report: InspectReport): string {
  const lines = [
    `encrypted:   ${report.encrypted ? `yes, to ${report.recipientKeyIds.join(', ') || 'unknown key IDs'}` : 'no'}`,
    `decrypted:   ${report.encrypted ? (report.decrypted ? 'yes' : 'no') : '-'}`,
    `integrity:   ${report.integrity}`,
    `signature:   ${report.signature.verdict}${report.signature.fingerprint ? ` (${report.signature.fingerprint}${report.signature.signer?.length ? `, ${report.signature.signer.join(', ')}` : ''})` : report.signature.keyId ? ` (key ID ${report.signature.keyId})` : ''}`,
    `subject:     ${report.subject}`,
  ];
  return `${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  let args;
  let raw: Buffer;
  let keys;
  try {
    args = parseArgs(argv);
    raw = readFileSync(args.file);
    keys = await loadKeys(args.keyFiles, args.passphraseFile ? readFileSync(args.passphraseFile, 'utf8').replace(/\r?\n$/, '') : undefined);
  } catch (error) {
    process.stderr.write(`inspect: ${(error as Error).message}\n`);
    return 2;
  }
  let report: InspectReport;
  try {
    report = await inspect(raw, keys);
  } catch (error) {
    process.stderr.write(`inspect: the message cannot be read: ${(error as Error).message}\n`);
    return 2;
  }
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
  return report.encrypted && !report.decrypted ? 4 : 0;
}

// Runs only as a command, never when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`inspect: ${(error as Error).message}\n`);
      process.exitCode = 2;
    },
  );
}
