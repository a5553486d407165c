/**
 * A Dovecot with one team mailbox and five members for claim races, reachable two ways: directly
 * (CONDSTORE, custom keywords: the keyword mechanism) and through the Exchange-like proxy
 * (restricted-imap-proxy.ts: the journal mechanism). Used by the claim tests and the benchmark.
 */
import { join } from 'node:path';
import { createImapClient } from '../../main/services/mail/imap-client-factory.js';
import { ImapTeamStateBackend } from '../../main/services/mail/team-state-imap.js';
import type { Logger } from '../../main/services/logging/logger.js';
import type { TeamDirectoryEntry } from '../../main/services/team/team-directory.js';
import { startDovecot, type DovecotHandle } from './dovecot.js';
import { startRestrictedImapProxy, type RestrictedImapProxy } from './restricted-imap-proxy.js';
import { makeRunRoot, removeTree } from './run-root.js';

export const CLAIM_TEAM = 'perhepalvelut';
export const CLAIM_DOMAIN = 'sinetti.test';
export const MEMBERS = ['anna', 'ben', 'cecilia', 'daniel', 'eeva'] as const;
export type Profile = 'dovecot' | 'exchange-like';

export const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLogger,
};

export interface ClaimsEnv {
  dovecot: DovecotHandle;
  proxy: RestrictedImapProxy;
  portOf(profile: Profile): number;
  /** Puts `count` client messages into the team INBOX; returns their UIDs. */
  seed(count: number): Promise<number[]>;
  /** A member's client: its own connections, its own backend (as separate workstations are). */
  member(name: string, profile: Profile): Member;
  stop(): Promise<void>;
}

export interface Member {
  id: string;
  backend: ImapTeamStateBackend;
  team: TeamDirectoryEntry;
  connect(): Promise<ReturnType<typeof createImapClient>>;
}

export async function startClaimsEnv(prefix = 'sinetti-claims-'): Promise<ClaimsEnv> {
  const root = makeRunRoot(prefix);
  const dovecot = await startDovecot({
    baseDir: join(root, 'dovecot'),
    users: MEMBERS.map((name) => ({ name, password: `pw-${name}` })),
    teams: [{ name: CLAIM_TEAM, password: 'pw-team', members: [...MEMBERS], leads: ['anna'], label: 'Perhepalvelut', stateFolder: true }],
  });
  const proxy = await startRestrictedImapProxy(dovecot.imapPort);
  let seeded = 0;
  const portOf = (profile: Profile) => (profile === 'dovecot' ? dovecot.imapPort : proxy.port);
  return {
    dovecot,
    proxy,
    portOf,
    seed: async (count) => {
      const first = seeded + 1;
      await dovecot.appendMaildir(
        CLAIM_TEAM,
        'INBOX',
        Array.from({ length: count }, (_, i) => ({
          raw: `From: Asiakas <asiakas@example.fi>\r\nTo: ${CLAIM_TEAM}@${CLAIM_DOMAIN}\r\nSubject: Asia ${first + i}\r\nMessage-ID: <c${first + i}-${Date.now()}@example.fi>\r\n\r\nHei.\r\n`,
        })),
      );
      seeded += count;
      return Array.from({ length: count }, (_, i) => first + i);
    },
    member: (name, profile) => {
      const connect = async () => {
        const client = createImapClient(
          { host: '127.0.0.1', port: portOf(profile), security: 'plain', credential: { method: 'password', user: name, password: `pw-${name}` } },
          { logger: quietLogger },
        );
        await client.connect();
        return client;
      };
      const ref = { accountId: `${name}-account`, team: CLAIM_TEAM };
      return {
        id: `${name}@${CLAIM_DOMAIN}`,
        connect,
        backend: new ImapTeamStateBackend({ connect: () => connect(), logger: quietLogger, reconnectDelayMs: 200 }),
        team: {
          ref,
          groupId: `${ref.accountId}:shared:${CLAIM_TEAM}`,
          label: 'Perhepalvelut',
          inboxPath: `shared/${CLAIM_TEAM}`,
          delimiter: '/',
          isLead: name === 'anna',
          readOnly: false,
        },
      };
    },
    stop: async () => {
      await proxy.close();
      await dovecot.stop();
      removeTree(root);
    },
  };
}
