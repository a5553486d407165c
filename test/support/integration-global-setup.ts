/**
 * Starts one real Dovecot for the integration project (shared namespace + ACLs for two team
 * mailboxes, LMTP, STARTTLS and implicit TLS with a self-signed CA) and seeds it. Every
 * integration file reads the connection facts through `inject('mailEnv')`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { dovecotEndpoints, startDovecot, type DovecotHandle } from './dovecot.js';
import { generatedMessage } from './fixtures/demo-messages.js';
import type { MailTestEnv } from './mail-test-env.js';

const BULK_COUNT = 1000;

/**
 * Every throwaway GnuPG home (test/support/gpg.ts) starts a gpg-agent that outlives its test;
 * stop those of this run and remove their homes, so nothing keeps running after the suite.
 */
function stopGpgAgents(since: number): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('sinetti-gpg-'))) {
    const home = join(tmpdir(), name);
    if (statSync(home).ctimeMs < since) continue;
    spawnSync('gpgconf', ['--homedir', home, '--kill', 'all'], { stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = Date.now();
  const baseDir = mkdtempSync(join(tmpdir(), 'sinetti-dovecot-'));
  const person = { name: 'anna.virtanen', password: 'Anna-salasana-1' };
  const colleague = { name: 'mikko.korhonen', password: 'Mikko-salasana-2' };
  const outsider = { name: 'ulla.ulkopuolinen', password: 'Ulla-salasana-3' };
  // Team keys: a team of its own, so grants and rotations there disturb no other test.
  const lead = { name: 'leena.vastaava', password: 'Leena-salasana-4' };
  const third = { name: 'teemu.jasen', password: 'Teemu-salasana-5' };
  const keyTeam = { name: 'kotihoito', label: 'Kotihoito', password: 'team-3-not-used', members: [person.name, third.name], leads: [lead.name] };
  const teams = [
    { name: 'perhepalvelut', label: 'Perhepalvelut', password: 'team-1-not-used', members: [person.name, colleague.name], address: 'perhepalvelut@sinetti.test' },
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
    throw error;
  }
  const env: MailTestEnv = {
    ...dovecotEndpoints(dovecot),
    person: { username: person.name, password: person.password },
    colleague: { username: colleague.name, password: colleague.password },
    outsider: { username: outsider.name, password: outsider.password },
    teams: teams.map(({ name, label }) => ({ name, label })),
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
    stopGpgAgents(startedAt);
    await handle.stop();
    rmSync(baseDir, { recursive: true, force: true });
  };
}
