/**
 * Starts one real Dovecot for the integration project (shared namespace + ACLs for two team
 * mailboxes, LMTP, STARTTLS and implicit TLS with a self-signed CA) and seeds it. Every
 * integration file reads the connection facts through `inject('mailEnv')`.
 *
 * The run gets its own temporary root (run-root.ts), exported as TMPDIR to the test workers: the
 * Dovecot, every throwaway GnuPG home and data directory of this run live there, so the teardown
 * stops only this run's gpg-agents and removes one tree, whatever another run on the machine does.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { cleanRunRoot } from './clean-run-root.js';
import { dovecotEndpoints, startDovecot, type DovecotHandle } from './dovecot.js';
import { generatedMessage } from './fixtures/demo-messages.js';
import type { MailTestEnv } from './mail-test-env.js';
import { makeRunRoot, removeTree } from './run-root.js';

const BULK_COUNT = 1000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A short name: gpg-agent's and Dovecot's socket paths under it must stay within 108 bytes.
  const runRoot = makeRunRoot('it-');
  const previousTmpdir = process.env.TMPDIR;
  // Read by os.tmpdir() here and in every test worker started after this set-up.
  process.env.TMPDIR = runRoot;
  const baseDir = join(runRoot, 'dovecot');
  mkdirSync(baseDir);
  const person = { name: 'anna.virtanen', password: 'Anna-salasana-1' };
  const colleague = { name: 'mikko.korhonen', password: 'Mikko-salasana-2' };
  const outsider = { name: 'ulla.ulkopuolinen', password: 'Ulla-salasana-3' };
  // Team keys: a team of its own, so grants and rotations there disturb no other test.
  const lead = { name: 'leena.vastaava', password: 'Leena-salasana-4' };
  const third = { name: 'teemu.jasen', password: 'Teemu-salasana-5' };
  const keyTeam = { name: 'kotihoito', label: 'Kotihoito', password: 'team-3-not-used', members: [person.name, third.name], leads: [lead.name] };
  const teams = [
    {
      name: 'perhepalvelut',
      label: 'Perhepalvelut',
      password: 'team-1-not-used',
      members: [person.name, colleague.name],
      address: 'perhepalvelut@sinetti.test',
      // The journal of handling state (history; claims on this CONDSTORE server are keywords).
      stateFolder: true,
    },
    { name: 'aikuissosiaalityo', label: 'Aikuissosiaalityö', password: 'team-2-not-used', members: [person.name] },
  ];
  let dovecot: DovecotHandle | undefined;
  try {
    dovecot = await startDovecot({ baseDir, users: [person, colleague, outsider, lead, third], teams: [...teams, keyTeam] });
    await dovecot.createFolder(person.name, 'Archive');
    await dovecot.appendMaildir(
      person.name,
      'Bulk',
      Array.from({ length: BULK_COUNT }, (_, i) => ({ raw: generatedMessage(i), internalDate: new Date(Date.UTC(2026, 0, 1) + i * 60_000) })),
    );
  } catch (error) {
    await dovecot?.stop();
    removeTree(runRoot);
    throw error;
  }
  const env: MailTestEnv = {
    ...dovecotEndpoints(dovecot),
    person: { username: person.name, password: person.password },
    colleague: { username: colleague.name, password: colleague.password },
    outsider: { username: outsider.name, password: outsider.password },
    teams: teams.map(({ name, label }) => ({ name, label })),
    runRoot,
    bulkFolder: 'Bulk',
    bulkCount: BULK_COUNT,
    teamKeys: {
      team: keyTeam.name,
      label: keyTeam.label,
      lead: { username: lead.name, password: lead.password },
      members: [
        { username: person.name, password: person.password },
        { username: third.name, password: third.password },
      ],
    },
  };
  project.provide('mailEnv', env);
  const handle = dovecot;
  return async () => {
    // Clean-up never fails the run: every test has finished by now. Cleaning the root also stops
    // the gpg-agents and any Dovecot a test file started there and left running.
    const warn = (message: string) => console.warn(`warning: ${message}`);
    await handle.stop().catch((error: unknown) => warn(`could not stop the test Dovecot: ${error instanceof Error ? error.message : String(error)}`));
    await cleanRunRoot(runRoot, warn);
    if (previousTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir;
  };
}
