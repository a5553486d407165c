/**
 * Builds the audit trail for the composition root: the trail under <dataDir>/audit, the record
 * API, the wrapped contract handlers, the period checkpoint timer, shipping to syslog over TLS
 * when the policy names a receiver, and the record of the server's
 * acceptance of a sent message (which happens in the outbox's background delivery, after the
 * request that queued it has long returned).
 */
import { join } from 'node:path';
import type { ServiceHandlers } from '../../../shared/contract.js';
import type { AccountSummary } from '../../../shared/domain.js';
import type { DomainEventSource } from '../events/domain-events.js';
import type { Logger } from '../logging/logger.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { auditHandlers } from './audited-handlers.js';
import { AuditService } from './audit-service.js';
import { AuditTrail } from './audit-trail.js';
import { SyslogShipper } from './syslog-shipper.js';

export interface CreatedAudit {
  service: AuditService;
  handlers(handlers: ServiceHandlers): ServiceHandlers;
  close(): Promise<void>;
}

export function createAudit(options: {
  dataDir: string;
  secrets: SecretStore;
  version: string;
  policy: PolicyService;
  accounts: () => AccountSummary[];
  domainEvents: DomainEventSource;
  logger: Logger;
}): CreatedAudit {
  const settings = () => options.policy.state().effective?.policy.audit;
  const trail = new AuditTrail({
    dir: join(options.dataDir, 'audit'),
    secrets: options.secrets,
    checkpointEvery: settings()?.checkpointEvery,
    checkpointPeriodMs: (settings()?.checkpointMinutes ?? 60) * 60_000,
  });
  const service = new AuditService({
    trail,
    secrets: options.secrets,
    version: options.version,
    accountIdentity: (accountId) => {
      const account = options.accounts().find((a) => a.id === accountId);
      return account ? `${account.username.toLowerCase()}@${account.host.toLowerCase()}` : null;
    },
    organisationKey: () => settings()?.pseudonymKey,
    logger: options.logger,
  });
  // The server accepted a message: recorded when it happens (background delivery, nobody to tell).
  const unsubscribe = options.domainEvents.subscribe((event) => {
    if (event.type !== 'message.accepted') return;
    void service.recordAfterTheFact({ action: 'send.accepted', outcome: 'ok', accountId: event.accountId, messageId: event.messageId });
  });
  // Shipping to the organisation's syslog receiver (RFC 5425), when the policy names one.
  const shipper = new SyslogShipper(
    trail,
    () => {
      const syslog = settings()?.syslog;
      return syslog?.host ? { host: syslog.host, port: syslog.port, ...(syslog.caPem ? { caPem: syslog.caPem } : {}) } : null;
    },
    { hostname: service.workstation, logger: options.logger },
  );
  shipper.kick();
  const timer = setInterval(() => {
    if (trail.checkpointDue()) trail.checkpoint('period').catch((error: unknown) => options.logger.error('audit checkpoint failed', { error: String(error) }));
  }, 60_000);
  timer.unref();
  return {
    service,
    handlers: (handlers) => auditHandlers(handlers, service),
    close: async () => {
      clearInterval(timer);
      unsubscribe();
      shipper.stop();
      await shipper.idle();
      await trail.close().catch((error: unknown) => options.logger.error('audit trail close failed', { error: String(error) }));
    },
  };
}
