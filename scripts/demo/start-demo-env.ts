/**
 * The local demo environment: a real Dovecot on loopback with the demo person, a colleague and
 * two team mailboxes (Perhepalvelut, Aikuissosiaalityö) shared with them through IMAP ACLs, seeded
 * with realistic client mail, and an SMTP server on loopback (STARTTLS) that delivers sinetti.test
 * mail into that Dovecot, and mail to the demo client (example.fi, standing in for the client's
 * own mail provider) into the client's mailbox there; everything else is kept (the "internet"). Used by `npm run demo` and by
 * the end-to-end tests.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dovecotEndpoints, startDovecot, type DovecotEndpoints, type DovecotHandle } from '../../test/support/dovecot.js';
import { DEMO, demoMessages, toRfc822 } from '../../test/support/fixtures/demo-messages.js';
import { encryptedDemoMessage } from '../../test/support/fixtures/encrypted-demo.js';
import { startSmtpTestServer, type SmtpTestServer } from '../../test/support/smtp-test-server.js';

/** The demo client's mail provider (delivered into the demo Dovecot as the client's own mailbox). */
const CLIENT_DOMAIN = 'example.fi';

export interface DemoInfo extends DovecotEndpoints {
  person: { username: string; password: string };
  colleague: { username: string; password: string };
  /** Leads Perhepalvelut (ACL administer right): creates the team key and grants it to members. */
  teamLead: { username: string; password: string };
  teams: { name: string; label: string }[];
  /** The Perhepalvelut team key (armored private key), as a team lead would grant it; the demo prints where. */
  teamKeyFile: string;
  /** Outgoing mail: STARTTLS on 127.0.0.1, the demo people's own user names and passwords. */
  smtpPort: number;
  /** The client who wrote the encrypted message, with a mailbox of their own at their provider. */
  client: { username: string; password: string; address: string };
  /** The client's public key (what the team imports and verifies) and, for tests only, their private key. */
  clientKeyFile: string;
  clientSecretKeyFile: string;
}

export interface DemoEnvironment {
  info: DemoInfo;
  dovecot: DovecotHandle;
  smtp: SmtpTestServer;
  stop(): Promise<void>;
}

export async function startDemoEnvironment(baseDir: string): Promise<DemoEnvironment> {
  rmSync(baseDir, { recursive: true, force: true });
  mkdirSync(baseDir, { recursive: true });
  const person = { name: DEMO.person.username, password: DEMO.person.password };
  const colleague = { name: DEMO.colleague.username, password: DEMO.colleague.password };
  // The client's mailbox at their own provider (example.fi): where replies to them arrive.
  const client = { name: 'liisa.makinen', password: randomPassword() };
  const dovecot = await startDovecot({
    baseDir,
    users: [person, colleague, client],
    teams: [
      // The colleague leads Perhepalvelut (the administer right): they create and grant its team key.
      {
        name: 'perhepalvelut',
        label: 'Perhepalvelut',
        password: randomPassword(),
        members: [person.name, colleague.name],
        leads: [colleague.name],
        address: 'perhepalvelut@sinetti.test',
      },
      { name: 'aikuissosiaalityo', label: 'Aikuissosiaalityö', password: randomPassword(), members: [person.name] },
    ],
  });
  const teamKeyFile = join(baseDir, 'perhepalvelut-team-key.asc');
  const clientKeyFile = join(baseDir, 'liisa-makinen-public-key.asc');
  const clientSecretKeyFile = join(baseDir, 'liisa-makinen-secret-key.asc');
  let smtp: SmtpTestServer;
  try {
    smtp = await startSmtpTestServer({
      mode: 'starttls',
      dovecotConfigPath: dovecot.configPath,
      users: { [person.name]: person.password, [colleague.name]: colleague.password },
      lmtpPort: dovecot.lmtpPort,
      deliverDomain: [DEMO.domain, CLIENT_DOMAIN],
    });
    const encrypted = await encryptedDemoMessage();
    writeFileSync(teamKeyFile, encrypted.teamPrivateKey, { mode: 0o600 });
    writeFileSync(clientKeyFile, encrypted.clientPublicKey);
    writeFileSync(clientSecretKeyFile, encrypted.clientPrivateKey, { mode: 0o600 });
    const seeded = demoMessages();
    for (const [team, messages] of Object.entries(seeded)) {
      await dovecot.appendMaildir(
        team,
        'INBOX',
        // Oldest first, so UIDs follow arrival order.
        [...messages].reverse().map((m) => ({ raw: toRfc822(m), seen: m.seen, flagged: m.flagged, internalDate: m.date })),
      );
    }
    await dovecot.deliver('perhepalvelut', encrypted.raw);
    await dovecot.deliver(
      person.name,
      toRfc822({
        from: { name: 'Tiimin esihenkilö', address: 'esihenkilo@sinetti.test' },
        to: `${person.name}@${DEMO.domain}`,
        subject: 'Tervetuloa Sinettiin',
        text: 'Hei,\n\ntiimisi postilaatikot näkyvät vasemmalla: Perhepalvelut ja Aikuissosiaalityö.\n\nTerveisin\nEsihenkilö',
        date: new Date(),
      }),
    );
  } catch (error) {
    await dovecot.stop();
    throw error;
  }
  return {
    dovecot,
    smtp,
    info: {
      ...dovecotEndpoints(dovecot),
      person: { username: person.name, password: person.password },
      colleague: { username: colleague.name, password: colleague.password },
      teamLead: { username: colleague.name, password: colleague.password },
      teams: DEMO.teams.map((t) => ({ name: t.name, label: t.label })),
      teamKeyFile,
      smtpPort: smtp.port,
      client: { username: client.name, password: client.password, address: `${client.name}@${CLIENT_DOMAIN}` },
      clientKeyFile,
      clientSecretKeyFile,
    },
    stop: async () => {
      await smtp.close();
      await dovecot.stop();
    },
  };
}

function randomPassword(): string {
  // Team mailboxes are reached through ACLs, never by logging in as the team.
  return `team-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
}
