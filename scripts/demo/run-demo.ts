/**
 * Runs the demo: starts the demo mail environment, provisions the demo person's account through
 * the app's normal add-account path, and starts the app (Electron if its binary exists, otherwise
 * the browser host). Enter in this terminal delivers a new client message to Perhepalvelut, to
 * show live updates.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startDemoEnvironment } from './start-demo-env.js';
import { deliverDemoMessage } from './deliver-demo-message.js';

const root = resolve(import.meta.dirname, '..', '..');

function electronBinary(): string | null {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

async function main(): Promise<void> {
  const demoDir = join(root, '.tmp', 'demo');
  const demo = await startDemoEnvironment(demoDir);
  const appData = join(demoDir, 'app-data');
  rmSync(appData, { recursive: true, force: true });
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
    JSON.stringify({ version: 1, organisation: { name: 'Sinetti-demo' }, domains: { internal: ['sinetti.test'], partner: [] }, actions: { sensitive: { external: 'gateway' } }, gateway: { enabled: true, method: 'suffix', suffix: '.s' } }),
  );
  const env = { ...process.env, SINETTI_DATA_DIR: appData, SINETTI_EXTRA_CA_FILE: caFile, SINETTI_PROVISION_FILE: provisionFile, SINETTI_MANAGED_POLICY: policyFile };

  const electron = electronBinary();
  let app: ChildProcess;
  if (electron) {
    console.log('Starting the Sinetti desktop app…');
    app = spawn(electron, [root], { env: { ...env, SINETTI_DEMO: '1' }, stdio: 'inherit' });
  } else {
    console.log('No Electron binary on this machine: starting the browser-hosted app.');
    app = spawn(process.execPath, [join(root, 'dist', 'browser-host', 'cli.mjs')], { env, stdio: 'inherit' });
  }
  console.log(`Demo person: ${demo.info.person.username} / ${demo.info.person.password} (IMAP 127.0.0.1:${demo.info.imapPort}, STARTTLS)`);
  console.log(`Encrypted demo mail: import the Perhepalvelut team key from ${demo.info.teamKeyFile} under "Avaimet".`);
  console.log(`The client's public key (import under "Avaimet" > "Vastapuolet", compare and verify): ${demo.info.clientKeyFile}; the client's own mailbox: ${demo.info.client.username} / ${demo.info.client.password}.`);
  console.log(`Team lead of Perhepalvelut: ${demo.info.teamLead.username} / ${demo.info.teamLead.password} — signed in as them, "Avaimet" > "Tiimien avaimet" creates the team key and grants it to members.`);
  console.log('Press Enter here to deliver a new client message to Perhepalvelut (live update). Ctrl+C stops.');

  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', () => {
      deliverDemoMessage(demo.info, 'perhepalvelut').then(
        () => console.log('Delivered a new message to Perhepalvelut.'),
        (error: unknown) => console.error('Delivery failed:', error instanceof Error ? error.message : error),
      );
    });
  }

  const stop = async () => {
    app.kill('SIGTERM');
    await demo.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  app.once('exit', (code) => {
    void demo.stop().then(() => process.exit(code ?? 0));
  });
}

main().catch((error: unknown) => {
  console.error('The demo could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
