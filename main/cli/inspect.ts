/**
 * `npm run --silent inspect -- <message.eml> [--key <file>]... [--passphrase-file <file>] [--json]`
 *
 * Prints what Sinetti would show for a message: encrypted or not and to which key IDs, whether it
 * decrypted, integrity, and the signature verdict. For support and IT. It runs the same code as
 * the app (message-security's readEncryptedRoot / readUnencryptedRoot over pgp-mime-reader,
 * pgp-signed-reader, inline-pgp and the strict openpgp config), never a second implementation;
 * only how the bytes are obtained differs (a file here, IMAP parts in the app). Keys given with --key are used for this run only; nothing is stored.
 *
 * Exit codes: 0 the message could be shown, 4 it was refused (integrity failure, no key, labelled
 * encrypted without ciphertext),
 * 2 unreadable input or bad usage.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decryptKey, readKeys, readMessage, readPrivateKeys, type Key, type PrivateKey } from 'openpgp';
import PostalMime from 'postal-mime';
import type { AttachmentInfo, CryptoStatus, SenderIdentity, UnopenedPart } from '../../shared/domain.js';
import { OPENPGP_CONFIG } from '../services/crypto/openpgp-policy.js';
import { staticKeyProvider } from '../services/crypto/key-provider.js';
import { encryptedRootOf } from '../services/crypto/pgp-mime-reader.js';
import { containsPgpMimeSigned } from '../services/crypto/pgp-signed-reader.js';
import { keyCarriesAddressInUserIds } from '../services/crypto/signature-verdict.js';
import {
  attachmentsOf,
  CRYPTO_PART_TYPES,
  decodeTransfer,
  readEncryptedMessage,
  readUnencryptedRoot,
  senderIdentity,
  singleFrom,
  textPartsOfTree,
} from '../services/mail/message-security.js';
import { findEntity, parseMimeTree } from '../services/mail/mime-tree.js';

type Integrity = 'protected' | 'missing' | 'failed' | 'not-applicable';

export interface InspectReport {
  encrypted: boolean;
  recipientKeyIds: string[];
  decrypted: boolean;
  integrity: Integrity;
  signature: {
    verdict: CryptoStatus['signature']['status'];
    fingerprint?: string;
    keyId?: string;
    signer?: string[];
    matchesFrom: boolean;
    /** For `partial`: the only part the signature covers. */
    coveredPart?: string;
    keyProblem?: 'revoked' | 'expired';
    acceptance?: CryptoStatus['signature']['acceptance'];
    /** When the signature says it was made (ISO 8601). */
    signedAt?: string;
    /** The signature's time and the Date header are more than an hour apart (then never good). */
    dateMismatch?: { signedAt: string; headerDate: string };
  };
  /** Labelled PGP/MIME encrypted, but the encrypted part holds no OpenPGP encrypted data: not encrypted, refused. */
  notCiphertext?: true;
  /** A signature around the encrypted root (cryptographic envelope): it covers the ciphertext only. */
  outerSignature?: CryptoStatus['outerSignature'];
  subject: string;
  /** PGP/MIME or inline PGP (an armored block as the whole text body). */
  format: 'pgp-mime' | 'inline' | 'none';
  identity: SenderIdentity;
  /** Encrypted or signed parts deeper in the message that the app does not open. */
  unopened: UnopenedPart[];
  attachments: AttachmentInfo[];
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
        if (key.isDecrypted()) secret.push(key);
        else {
          if (passphrase === undefined)
            throw new UsageError(`the key ${key.getFingerprint().toUpperCase()} in ${file} is passphrase-protected: give --passphrase-file`);
          // A wrong passphrase is a usage error (exit 2), never a silent "no key" verdict.
          secret.push(
            await decryptKey({ privateKey: key, passphrase, config: OPENPGP_CONFIG }).catch(() =>
              Promise.reject(new UsageError(`wrong passphrase for the key ${key.getFingerprint().toUpperCase()} in ${file}`)),
            ),
          );
        }
      }
    } else {
      pub.push(...(await readKeys({ armoredKeys: armored, config: OPENPGP_CONFIG })));
    }
  }
  return { secret, public: pub };
}

export async function inspect(raw: Buffer, keys: { secret: PrivateKey[]; public: Key[] }): Promise<InspectReport> {
  const tree = parseMimeTree(raw);
  const email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  const headerEnd = raw.toString('latin1').search(/\r?\n\r?\n/);
  const identity = senderIdentity(raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString('latin1'));
  // As in the app: the single From address, and only if the header parser agrees on it.
  const from = singleFrom(identity).toLowerCase() === (email.from?.address ?? '').toLowerCase() ? singleFrom(identity) : '';
  const provider = staticKeyProvider(keys.secret, keys.public);
  const base = { identity, subject: email.subject ?? '' };
  // As in the app: the Date header, which a signature's own time is checked against.
  const headerDate = email.date ? Date.parse(email.date) : NaN;
  const encryptedRoot = encryptedRootOf(tree);
  if (encryptedRoot) {
    const ciphertext = decodeTransfer(findEntity(tree, encryptedRoot.ciphertextPart)!);
    const reading = await readEncryptedMessage(raw, from, provider, headerDate);
    const status = reading.status;
    // Labelled encrypted, but no ciphertext inside: not encrypted, and nothing of it shown.
    const encrypted = status.decryption !== 'not-ciphertext';
    return {
      ...base,
      subject: reading.protectedSubject ?? base.subject,
      format: 'pgp-mime',
      encrypted,
      ...(encrypted ? {} : { notCiphertext: true as const }),
      recipientKeyIds: !encrypted ? [] : status.recipientKeyIds.length ? status.recipientKeyIds : await recipientIds(ciphertext),
      decrypted: status.decryption === 'decrypted',
      integrity: encrypted ? integrityVerdict(status, await integrityOf(ciphertext)) : 'not-applicable',
      signature: signatureReport(status.signature, from),
      ...(status.outerSignature ? { outerSignature: status.outerSignature } : {}),
      unopened: reading.unopened,
      attachments: reading.attachments,
    };
  }
  const single = !tree.childNodes;
  const reading = await readUnencryptedRoot(
    {
      structure: tree,
      ...(single && email.text !== undefined ? { rootText: email.text } : {}),
      textParts: () => textPartsOfTree(tree),
      source: async () => raw,
      headerDate,
    },
    from,
    provider,
  );
  const status = reading.crypto;
  const inlineEncrypted = status?.inline === true && status.decryption !== 'not-encrypted';
  const ciphertext = inlineEncrypted ? Buffer.from(email.text!.trim(), 'utf8') : null;
  return {
    ...base,
    format: status?.inline ? 'inline' : containsPgpMimeSigned(tree) ? 'pgp-mime' : 'none',
    encrypted: inlineEncrypted,
    recipientKeyIds: ciphertext ? (status!.recipientKeyIds.length ? status!.recipientKeyIds : await recipientIds(ciphertext)) : [],
    decrypted: status?.decryption === 'decrypted',
    integrity: ciphertext ? integrityVerdict(status!, await integrityOf(ciphertext)) : 'not-applicable',
    signature: signatureReport(status?.signature ?? { status: 'none', signerUserIds: [] }, from),
    unopened: reading.unopened,
    attachments: attachmentsOf(tree).filter((a) => !CRYPTO_PART_TYPES.has(a.mimeType)),
  };
}

function integrityVerdict(status: CryptoStatus, carried: Integrity): Integrity {
  if (status.decryption === 'decrypted') return 'protected';
  return carried === 'protected' && status.decryption === 'failed' ? 'failed' : carried;
}

function signatureReport(signature: CryptoStatus['signature'], from: string): InspectReport['signature'] {
  return {
    verdict: signature.status,
    ...(signature.fingerprint ? { fingerprint: signature.fingerprint } : {}),
    ...(signature.keyId ? { keyId: signature.keyId } : {}),
    signer: signature.signerUserIds,
    // Whether the signing key carries the From address (true for `good`; said for `partial` too).
    matchesFrom: signature.status === 'good' || (signature.status === 'partial' && keyCarriesAddressInUserIds(signature.signerUserIds, from)),
    ...(signature.coveredPart ? { coveredPart: signature.coveredPart } : {}),
    ...(signature.keyProblem ? { keyProblem: signature.keyProblem } : {}),
    ...(signature.acceptance ? { acceptance: signature.acceptance } : {}),
    ...(signature.signedAt !== undefined ? { signedAt: new Date(signature.signedAt).toISOString() } : {}),
    ...(signature.dateMismatch
      ? {
          dateMismatch: {
            signedAt: new Date(signature.dateMismatch.signedAt).toISOString(),
            headerDate: new Date(signature.dateMismatch.headerDate).toISOString(),
          },
        }
      : {}),
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
    `encrypted:   ${report.encrypted ? `yes, to ${report.recipientKeyIds.join(', ') || 'unknown key IDs'}` : report.notCiphertext ? 'no (labelled encrypted, but it holds no encrypted data: nothing of it is shown)' : 'no'}`,
    `decrypted:   ${report.encrypted ? (report.decrypted ? 'yes' : 'no') : '-'}`,
    `integrity:   ${report.integrity}`,
    `signature:   ${report.signature.verdict}${report.signature.dateMismatch ? ` (signed ${report.signature.dateMismatch.signedAt}, but the Date header says ${report.signature.dateMismatch.headerDate})` : ''}${report.signature.coveredPart ? ` (covers only part ${report.signature.coveredPart})` : ''}${report.signature.keyProblem ? ` (key ${report.signature.keyProblem})` : ''}${report.signature.fingerprint ? ` (${report.signature.fingerprint}${report.signature.signer?.length ? `, ${report.signature.signer.join(', ')}` : ''})` : report.signature.keyId ? ` (key ID ${report.signature.keyId})` : ''}`,
    ...(report.outerSignature
      ? [
          `outer sig.:  ${report.outerSignature.protocol} signature around the encrypted part (covers the ciphertext only): ${report.outerSignature.status}${report.outerSignature.signerUserIds.length ? ` (${report.outerSignature.signerUserIds.join(', ')})` : report.outerSignature.keyId ? ` (key ID ${report.outerSignature.keyId})` : ''}`,
        ]
      : []),
    `subject:     ${report.subject}`,
    `from:        ${report.identity.fromAddresses.join(', ') || '-'}${report.identity.fromAddresses.length > 1 ? ' (several From addresses: no signature counts)' : ''}`,
    ...(report.identity.displayNameAddress ? [`display name: contains another address, ${report.identity.displayNameAddress}`] : []),
    ...(report.identity.sender ? [`sender:      ${report.identity.sender} (differs from From)`] : []),
    ...report.unopened.map((u) => `not opened:  part ${u.partId} (${u.kind})`),
    ...report.attachments.map((a) => `attachment:  ${a.filename} (${a.mimeType}, ${a.size} bytes${a.decrypted ? ', decrypted' : ''})`),
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
  return (report.encrypted && !report.decrypted) || report.notCiphertext ? 4 : 0;
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
