/**
 * Test runs and the demo on a shared machine: each run works in its own temporary root, servers
 * start from a private directory (a checkout or TMPDIR under /root or a 0700 home) or say exactly
 * what blocks them, and clean-up stops only the run's own gpg-agents and servers.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { deliverDemoMessage } from '../../scripts/demo/deliver-demo-message.js';
import { startDemoEnvironment } from '../../scripts/demo/start-demo-env.js';
import { cleanRunRoot } from '../support/clean-run-root.js';
import { startDovecot } from '../support/dovecot.js';
import { createGpg, stopGpgAgents } from '../support/gpg.js';
import '../support/mail-test-env.js';
import { makeRunRoot, removeTree, untraversableAncestor } from '../support/run-root.js';

const env = inject('mailEnv');
const asRoot = process.getuid?.() === 0;
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A directory only its owner may enter, like /root or a 0700 home holding a checkout. */
function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'private-'));
  chmodSync(dir, 0o700);
  return dir;
}

function withTmpdir<T>(dir: string, fn: () => T): T {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return fn();
  } finally {
    process.env.TMPDIR = previous;
  }
}

/** The pid of the gpg-agent serving `home`, or null when none runs. */
function agentPid(home: string): number | null {
  const answer = spawnSync('gpg-connect-agent', ['--homedir', home, '--no-autostart', 'GETINFO pid', '/bye'], { encoding: 'utf8' });
  const pid = /^D (\d+)$/m.exec(answer.stdout ?? '')?.[1];
  return pid && alive(Number(pid)) ? Number(pid) : null;
}

/**
 * Whether `pid` is gone within a few seconds: an agent removes its sockets (what clean-up waits
 * for) a moment before its process exits, so the exit itself is awaited here, not assumed.
 */
async function exits(pid: number): Promise<boolean> {
  const deadline = Date.now() + 5000;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

function startAgent(home: string): number {
  spawnSync('gpg-connect-agent', ['--homedir', home, '/bye'], { stdio: 'ignore' });
  const pid = agentPid(home);
  expect(pid).not.toBeNull();
  return pid!;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Running (a zombie left for a container's init to reap counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe("the run's own temporary root", () => {
  it('is the temporary directory of every integration test: private to the run, enterable by the servers', () => {
    expect(tmpdir()).toBe(env.runRoot);
    expect(statSync(env.runRoot).mode & 0o777).toBe(0o711);
    if (asRoot) expect(untraversableAncestor(env.runRoot)).toBeNull();
  });
});

describe.runIf(asRoot)('servers started from a private directory', () => {
  it('Dovecot refuses a data directory its users cannot reach, naming the directory and the fix', async () => {
    const blocked = privateDir();
    const attempt = startDovecot({ baseDir: join(blocked, 'checkout', '.tmp', 'dovecot'), users: [{ name: 'anna', password: 'x-1' }] });
    await expect(attempt).rejects.toThrow(`${blocked} (mode 0700) lets no other user in`);
    await expect(attempt).rejects.toThrow(/TMPDIR=\/tmp/);
  });

  it('the demo environment comes up when TMPDIR is in a private directory, and mail is delivered', async () => {
    const privateTmp = join(privateDir(), 'tmp');
    mkdirSync(privateTmp);
    // What the demo and the end-to-end set-up do (scripts/demo/run-demo.ts, test/e2e/support/global-setup.ts).
    const root = withTmpdir(privateTmp, () => makeRunRoot('sinetti-demo-', { note: () => undefined }));
    cleanups.push(() => removeTree(root));
    expect(untraversableAncestor(root)).toBeNull();
    const demo = await startDemoEnvironment(join(root, 'dovecot'));
    cleanups.push(() => demo.stop());
    // LMTP delivery needs the user lookup that failed ("Auth USER lookup failed") from a private directory.
    await deliverDemoMessage(demo.info, 'perhepalvelut');
    const status = await demo.dovecot.doveadm(['mailbox', 'status', '-u', 'perhepalvelut', 'messages', 'INBOX']);
    expect(Number(/messages=(\d+)/.exec(status)?.[1])).toBeGreaterThan(1);
  });
});

// Short names: Unix socket paths (gpg-agent's, Dovecot's) must stay under 108 bytes inside nested run roots.
describe('clean-up touches only its own run', () => {
  it("stops the gpg-agents of its own GnuPG homes, never another run's", async () => {
    const mine = makeRunRoot('a-', { parents: [tmpdir()] });
    const other = makeRunRoot('b-', { parents: [tmpdir()] });
    const myHome = withTmpdir(mine, () => createGpg().home);
    const otherHome = withTmpdir(other, () => createGpg().home);
    cleanups.push(() => {
      stopGpgAgents(other);
      removeTree(other);
    });
    const myAgent = startAgent(myHome);
    const otherAgent = startAgent(otherHome);

    expect(stopGpgAgents(mine)).toEqual([myHome]);
    expect(await exits(myAgent)).toBe(true);
    expect(alive(otherAgent)).toBe(true);
    expect(agentPid(otherHome)).toBe(otherAgent);
    expect(removeTree(mine)).toBe(true);
  });

  it("cleaning a run's root stops its Dovecot and agents and removes it; the other run's Dovecot keeps serving", async () => {
    const root = makeRunRoot('c-', { parents: [tmpdir()] });
    const nested = join(root, 'i');
    mkdirSync(nested, { mode: 0o711 });
    const dovecot = await startDovecot({ baseDir: join(nested, 'd'), users: [{ name: 'anna', password: 'x-1' }] });
    cleanups.push(() => dovecot.stop());
    const pid = Number(readFileSync(join(nested, 'd', 'run', 'master.pid'), 'utf8').trim());
    const home = withTmpdir(nested, () => createGpg().home);
    const agent = startAgent(home);

    const warnings: string[] = [];
    expect(await cleanRunRoot(root, (m) => warnings.push(m))).toBe(true);
    expect(warnings).toEqual([]);
    expect(await exits(pid)).toBe(true);
    expect(await exits(agent)).toBe(true);
    expect(existsSync(root)).toBe(false);
    expect(await listening(env.imapPort)).toBe(true);
  });
});
