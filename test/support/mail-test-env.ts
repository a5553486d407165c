import type { DovecotEndpoints } from './dovecot.js';

/** What the integration global setup provides to every integration test file (via vitest inject). */
export interface MailTestEnv extends DovecotEndpoints {
  person: { username: string; password: string };
  /** A second member of the Perhepalvelut team (for two-client tests). */
  colleague: { username: string; password: string };
  /** A user who belongs to no team. */
  outsider: { username: string; password: string };
  teams: { name: string; label: string }[];
  /** This run's temporary root (TMPDIR of every integration test), removed when the run ends. */
  runRoot: string;
  /** Personal folder of `person` holding BULK_COUNT generated messages. */
  bulkFolder: string;
  bulkCount: number;
  /** A team with a lead (administer right) and two members, used only by the team-key tests. */
  teamKeys: {
    team: string;
    label: string;
    lead: { username: string; password: string };
    members: { username: string; password: string }[];
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    mailEnv: MailTestEnv;
  }
}
