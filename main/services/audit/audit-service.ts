/**
 * Trust boundary: the audit record API every service calls at the point where an action became
 * true. `record()` resolves once the record is durable and throws AUDIT_UNAVAILABLE when it could
 * not be written: the caller decides what that means (the reader withholds the content; the send
 * path has already stored the message and reports the failure in its log). Records carry the
 * person (the account identity), this workstation, the app version, a sequence number and the
 * outcome; client identity codes and addresses only as keyed hashes (pseudonyms.ts).
 */
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { ServiceError } from '../../../shared/result.js';
import type { Logger } from '../logging/logger.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { AuditEntry, AuditRecord } from './audit-record.js';
import type { AuditTrail } from './audit-trail.js';
import { verifyTrail, type AuditVerification } from './audit-verify.js';
import { Pseudonymizer, organisationKey } from './pseudonyms.js';

export interface AuditServiceDeps {
  trail: AuditTrail;
  secrets: Pick<SecretStore, 'get' | 'set'>;
  version: string;
  /** `user@host` of an account; null when the account is unknown. */
  accountIdentity: (accountId: string) => string | null;
  /** The organisation's pseudonym key (base64) from the effective managed policy, if set. */
  organisationKey: () => string | undefined;
  logger?: Logger;
  workstation?: string;
}

const LOCAL_KEY = 'audit-pseudonym-key';

export class AuditService {
  readonly workstation: string;
  private localKey: Buffer | null = null;

  constructor(private readonly deps: AuditServiceDeps) {
    this.workstation = deps.workstation ?? hostname();
  }

  get trail(): AuditTrail {
    return this.deps.trail;
  }

  /** The hasher for client identifiers: the organisation's key when the policy sets one, else this workstation's. */
  async pseudonymizer(): Promise<Pseudonymizer> {
    const org = organisationKey(this.deps.organisationKey());
    if (org) return new Pseudonymizer(org, 'org');
    if (!this.localKey) {
      let stored = await this.deps.secrets.get(LOCAL_KEY);
      if (stored === null) {
        stored = randomBytes(32).toString('base64');
        await this.deps.secrets.set(LOCAL_KEY, stored);
      }
      this.localKey = Buffer.from(stored, 'base64');
    }
    return new Pseudonymizer(this.localKey, 'local');
  }

  /** The person for a record: the account's identity, else the signed-in OS user on this workstation. */
  person(accountId?: string): string {
    const account = accountId ? this.deps.accountIdentity(accountId) : null;
    if (account) return account;
    try {
      return `os:${userInfo().username}`;
    } catch {
      return 'os:unknown';
    }
  }

  /** Writes one record and resolves when it is durable; AUDIT_UNAVAILABLE when it cannot be. */
  async record(entry: AuditEntry): Promise<AuditRecord> {
    try {
      const { identityCodes = [], addresses = [], person, ...rest } = entry;
      const hasher = identityCodes.length || addresses.length ? await this.pseudonymizer() : null;
      const subjects = hasher ? [...new Set([...identityCodes.map((c) => hasher.identityCode(c)), ...addresses.map((a) => hasher.address(a))])] : [];
      const details = hasher ? { ...rest.details, pk: hasher.keyKind } : rest.details;
      return await this.deps.trail.append({
        subjects,
        body: {
          v: 1,
          ...rest,
          ...(details ? { details } : {}),
          person: person ?? this.person(entry.accountId),
          workstation: this.workstation,
          app: this.deps.version,
        },
      });
    } catch (error) {
      this.deps.logger?.error('audit record not written', { action: entry.action, code: error instanceof ServiceError ? error.code : 'IO' });
      throw new ServiceError(
        'AUDIT_UNAVAILABLE',
        'The audit trail could not record this action, so it was not done (opened content is not shown). Check the keychain and disk space, then try again.',
        { cause: error },
      );
    }
  }

  /** Records without letting a failure undo a finished action (after the server accepted a message): logged instead. */
  async recordAfterTheFact(entry: AuditEntry): Promise<void> {
    await this.record(entry).catch(() => undefined);
  }

  async verify(): Promise<AuditVerification> {
    const key = await this.deps.trail.workstationKey();
    return verifyTrail({
      trailFile: this.deps.trail.trailFile,
      checkpointFile: this.deps.trail.checkpointFile,
      publicKey: key.publicKey,
      checkpointEvery: this.deps.trail.checkpointEvery,
    });
  }
}
