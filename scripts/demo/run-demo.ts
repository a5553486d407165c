/**
 * Runs the demo: starts the demo mail environment, provisions the demo person's account through
 * the app's normal add-account path, and starts the app (Electron if its binary exists, otherwise
 * the browser host). Enter in this terminal delivers a new client message to Perhepalvelut, to
 * show live updates.
 *
 * Everything the demo writes (server data, the app's data, key files) lives in one temporary run
 * root (test/support/run-root.ts), never in the checkout: a checkout in a private directory
 * (/root, a 0700 home) is out of reach for Dovecot's own users. Stopping removes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { makeRunRoot, removeTree } from '../../test/support/run-root.js';
import { startDemoEnvironment, type DemoEnvironment } from './start-demo-env.js';
import { deliverDemoMessage } from './deliver-demo-message.js';

const root = resolve(import.meta.dirname, '..', '..');

function electronBinary(): string | null {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

let demoDir: string | undefined;
let starting: Promise<DemoEnvironment> | undefined;
let app: ChildProcess | undefined;
let stopping: Promise<void> | undefined;

/** One shutdown, whichever comes first: Ctrl+C, SIGTERM, the app exiting, or a failed start. */
function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    if (app && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((r) => app!.once('exit', r));
      app.kill('SIGTERM');
      await exited;
    }
    // Stopped while starting: the servers started so far are stopped too.
    const demo = await starting?.catch(() => undefined);
    await demo?.stop().catch((error: unknown) => console.error('Stopping the demo servers failed:', error instanceof Error ? error.message : error));
    if (demoDir) removeTree(demoDir);
    process.exit(code);
  })();
  return stopping;
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  demoDir = makeRunRoot('sinetti-demo-');
  starting = startDemoEnvironment(join(demoDir, 'dovecot'));
  const demo = await starting;
  if (stopping) return;
  const appData = join(demoDir, 'app-data');
  mkdirSync(appData, { recursive: true, mode: 0o700 });
  const caFile = join(demoDir, 'demo-ca.pem');
  writeFileSync(caFile, demo.info.caCertPem);
  const provisionFile = join(demoDir, 'demo-account.json');
  writeFileSync(
    provisionFile,
    JSON.stringify({
      displayName: 'Demo Työntekijä',
      host: demo.info.host,
      port: demo.info.imapPort,
      security: 'starttls',
      username: demo.info.person.username,
      password: demo.info.person.password,
      address: `${demo.info.person.username}@sinetti.test`,
      smtp: { host: demo.info.host, port: demo.info.smtpPort, security: 'starttls' },
    }),
    { mode: 0o600 },
  );
  // The demo organisation's policy, as IT would install it: sinetti.test is internal, and client
  // mail without a key goes through a secure-mail gateway.
  const policyFile = join(demoDir, 'managed-policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({
      version: 1,
      organisation: { name: 'Sinetti-demo' },
      domains: { internal: ['sinetti.test'], partner: [] },
      actions: { sensitive: { external: 'gateway' } },
      gateway: { enabled: true, method: 'suffix', suffix: '.s' },
      // The audit trail's pseudonym key: a fixed demo key, never one for real use (IT makes its own:
      // 32 random bytes, base64; the registrar looks clients up with the same key).
      audit: { pseudonymKey: Buffer.from('sinetti-demo-audit-pseudonym-key-not-secret').toString('base64') },
    }),
  );
  const env = {
    ...process.env,
    TMPDIR: demoDir,
    SINETTI_DATA_DIR: appData,
    SINETTI_EXTRA_CA_FILE: caFile,
    SINETTI_PROVISION_FILE: provisionFile,
    SINETTI_MANAGED_POLICY: policyFile,
  };

  const electron = electronBinary();
  if (electron) {
    console.log('Starting the Sinetti desktop app…');
    app = spawn(electron, [root], { env: { ...env, SINETTI_DEMO: '1' }, stdio: 'inherit' });
  } else {
    console.log('No Electron binary on this machine: starting the browser-hosted app.');
    app = spawn(process.execPath, [join(root, 'dist', 'browser-host', 'cli.mjs')], { env, stdio: 'inherit' });
  }
  console.log(`Demo person: ${demo.info.person.username} / ${demo.info.person.password} (IMAP 127.0.0.1:${demo.info.imapPort}, STARTTLS)`);
  console.log(`Encrypted demo mail: import the Perhepalvelut team key from ${demo.info.teamKeyFile} under "Avaimet".`);
  console.log(
    `The client's public key (import under "Avaimet" > "Vastapuolet", compare and verify): ${demo.info.clientKeyFile}; the client's own mailbox: ${demo.info.client.username} / ${demo.info.client.password}.`,
  );
  console.log(
    `Team lead of Perhepalvelut: ${demo.info.teamLead.username} / ${demo.info.teamLead.password} — signed in as them, "Avaimet" > "Tiimien avaimet" creates the team key and grants it to members.`,
  );
  console.log(`Everything the demo wrote is in ${demoDir}, removed when it stops.`);
  console.log('Press Enter here to deliver a new client message to Perhepalvelut (live update). Ctrl+C stops.');

  const info = demo.info;
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', () => {
      deliverDemoMessage(info, 'perhepalvelut').then(
        () => console.log('Delivered a new message to Perhepalvelut.'),
        (error: unknown) => console.error('Delivery failed:', error instanceof Error ? error.message : error),
      );
    });
  }

  app.once('exit', (code) => void shutdown(code ?? 0));
}

main().catch((error: unknown) => {
  console.error('The demo could not start:', error instanceof Error ? error.message : error);
  void shutdown(1);
});
