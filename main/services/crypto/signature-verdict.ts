/**
 * The identity rules on top of the cryptography. openpgp.js calls a signature "valid" whenever
 * the math checks out, also for an attacker's key on a message whose From names someone else.
 * A signature counts for the MESSAGE only when
 *   - it covers the root part (or the whole body under the message's own encryption layer), and
 *   - there is exactly one From address and the signing key has a user ID with that address, and
 *   - the key is not revoked.
 * Anything else is reported for what it is: `partial` (a signed part, naming the part and the
 * signer), `mismatch`, `bad`, `unknown-key`. Nothing here reads the message body.
 */
import type { Key } from 'openpgp';
import type { CryptoStatus } from '../../../shared/domain.js';

export type SignatureStatus = CryptoStatus['signature'];

import type { SignatureCheck } from './message-crypto.js';

export type { SignatureCheck };

export interface SignatureScope {
  /** The signature covers the root part, or the whole body under the message's own encryption. */
  coversMessage: boolean;
  /** The signed part's number, for `partial` ("signed part by X"). */
  part?: string;
}

export const NO_SIGNATURE: SignatureStatus = { status: 'none', signerUserIds: [] };

/**
 * @param fromAddress the single From address, or '' when the message has none or several (then
 *   no signature can be good).
 */
export async function signatureVerdict(
  signatures: SignatureCheck[],
  keys: Key[],
  fromAddress: string,
  scope: SignatureScope,
  now = new Date(),
): Promise<SignatureStatus> {
  if (signatures.length === 0) return NO_SIGNATURE;
  const chosen = signatures.find((s) => s.valid) ?? signatures[0]!;
  const where = scope.coversMessage ? {} : scope.part ? { coveredPart: scope.part } : {};
  const key = keys.find((k) => k.getKeys().some((sub) => sub.getKeyID().toHex().toUpperCase() === chosen.keyId));
  if (!key) return { status: 'unknown-key', keyId: chosen.keyId, signerUserIds: [], ...where };
  const signerUserIds = key.getUserIDs();
  const base = {
    keyId: chosen.keyId,
    fingerprint: key.getFingerprint().toUpperCase(),
    signerUserIds,
    ...where,
    ...(chosen.created ? { signedAt: chosen.created.getTime() } : {}),
  };
  const problem = await keyProblem(key, now);
  if (problem === 'revoked') return { status: 'bad', ...base, keyProblem: 'revoked' };
  const extra = problem ? { keyProblem: problem } : {};
  if (!chosen.valid) return { status: 'bad', ...base, ...extra };
  if (!scope.coversMessage) return { status: 'partial', ...base, ...extra };
  return { status: keyCarriesAddress(key, fromAddress) ? 'good' : 'mismatch', ...base, ...extra };
}

/** Thunderbird's tolerance too: a message is signed when it is sent, and its Date is set then. */
export const SIGNATURE_DATE_TOLERANCE_MS = 60 * 60 * 1000;

/**
 * The Date header is not signed: a signature made more than an hour away from it vouches for a
 * message from another time (a replayed or back-dated message). The fact is kept on any verdict
 * that has a time; a verdict that would be `good` becomes `date-mismatch` (never good).
 * `headerDate`: the Date header in ms, or undefined/NaN when the message has none.
 */
export function withDateCheck(signature: SignatureStatus, headerDate: number | undefined): SignatureStatus {
  if (signature.signedAt === undefined || headerDate === undefined || !Number.isFinite(headerDate)) return signature;
  if (Math.abs(signature.signedAt - headerDate) <= SIGNATURE_DATE_TOLERANCE_MS) return signature;
  return {
    ...signature,
    ...(signature.status === 'good' ? { status: 'date-mismatch' as const } : {}),
    dateMismatch: { signedAt: signature.signedAt, headerDate },
  };
}

export function keyCarriesAddress(key: Key, address: string): boolean {
  const wanted = address.trim().toLowerCase();
  if (!wanted) return false;
  return key.users.some((user) => (user.userID?.email ?? '').trim().toLowerCase() === wanted);
}

/** Revoked or expired now (the signature itself may still have been made in time). */
async function keyProblem(key: Key, now: Date): Promise<'revoked' | 'expired' | undefined> {
  if (await key.isRevoked(undefined, undefined, now).catch(() => false)) return 'revoked';
  const expires = await key.getExpirationTime().catch(() => null);
  if (expires instanceof Date && expires.getTime() <= now.getTime()) return 'expired';
  return undefined;
}

/** The same test on user ID strings ("Name <addr>") as the status carries them. */
export function keyCarriesAddressInUserIds(userIds: string[], address: string): boolean {
  const wanted = address.trim().toLowerCase();
  if (!wanted) return false;
  return userIds.some((id) => (/<([^<>]+)>\s*$/.exec(id)?.[1] ?? id).trim().toLowerCase() === wanted);
}
