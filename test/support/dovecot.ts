/**
 * A real Dovecot (IMAP + LMTP) on loopback for tests, the benchmark and the demo: its own config,
 * ports, TLS certificate and data directory under `baseDir`, nothing shared with a system
 * Dovecot. Team mailboxes are ordinary Dovecot users whose folders are shared with their members
 * through IMAP ACLs in a `shared/<team>/` namespace, the way municipal mail servers grant rights
 * per team.
 *
 * As root, Dovecot refuses uid 0 for mail and login processes, so mail belongs to a `vmail` system
 * user (created when missing) and login processes run as `dovenull` (see ../shared notes).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, openSync, mkdirSync, readFileSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deliverLmtp } from './lmtp-deliver.js';
import { serverReachProblem } from './run-root.js';
import { makeTestCertificates } from './test-ca.js';

const run = promisify(execFile);

export interface DovecotUser {
  name: string;
  password: string;
}

export interface DovecotTeam extends DovecotUser {
  /** Users who get rights to every folder of the team mailbox. */
  members: string[];
  /** Folders created in the team mailbox besides INBOX (default: Trash, Archive). */
  folders?: string[];
  /** The team's display name, published as IMAP METADATA on the team INBOX (RFC 5464). */
  label?: string;
  /**
   * Team leads: members who also get the administer right ("a", which Sinetti reads as team lead)
   * plus create/delete, so they can set up the team's keys folder.
   */
  leads?: string[];
  /** The team's sending address, published as METADATA on the team INBOX (read by main/services/mail/team-identities.ts). */
  address?: string;
  /**
   * Creates the team's journal folder for handling state (`INBOX/Sinetti-tila`, read by
   * main/services/mail/team-state-imap.ts), append-only for members: look, read, mark read, add.
   */
  stateFolder?: boolean;
}

export interface StartDovecotOptions {
  baseDir: string;
  users: DovecotUser[];
  teams?: DovecotTeam[];
}

export interface MaildirMessage {
  raw: string | Buffer;
  seen?: boolean;
  flagged?: boolean;
  answered?: boolean;
  internalDate?: Date;
}

/** Where a started Dovecot listens and what a client must trust: what tests and the demo hand on. */
export interface DovecotEndpoints {
  host: '127.0.0.1';
  /** Plain IMAP port that offers STARTTLS. */
  imapPort: number;
  /** Implicit-TLS IMAP port. */
  imapsPort: number;
  lmtpPort: number;
  /** The test CA that signed the server certificate (SAN IP:127.0.0.1, DNS:localhost). */
  caCertPem: string;
  configPath: string;
}

export function dovecotEndpoints(handle: DovecotEndpoints): DovecotEndpoints {
  const { host, imapPort, imapsPort, lmtpPort, caCertPem, configPath } = handle;
  return { host, imapPort, imapsPort, lmtpPort, caCertPem, configPath };
}

export interface DovecotHandle extends DovecotEndpoints {
  deliver(user: string, raw: string | Buffer): Promise<void>;
  /** Writes messages straight into a Maildir folder (fast enough for 50,000), then lets Dovecot index them. */
  appendMaildir(user: string, folder: string, messages: MaildirMessage[]): Promise<void>;
  createFolder(user: string, folder: string): Promise<void>;
  doveadm(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** The rights a team member gets on every team folder (RFC 4314 via Dovecot's names). */
const MEMBER_RIGHTS = ['lookup', 'read', 'write', 'write-seen', 'write-deleted', 'insert', 'expunge'];
const LEAD_RIGHTS = [...MEMBER_RIGHTS, 'create', 'delete', 'admin'];
const TEAM_FOLDERS = ['Trash', 'Archive'];
/** The journal folder of team handling state (main/services/mail/team-state-format.ts) and what members may do there. */
export const TEAM_STATE_FOLDER = 'INBOX/Sinetti-tila';
const STATE_FOLDER_RIGHTS = ['lookup', 'read', 'write-seen', 'insert'];
/** Where the server keeps a team mailbox's display name (read by main/services/mail/mailbox-discovery.ts). */
export const TEAM_NAME_METADATA = '/shared/vendor/sinetti/team-name';
export const TEAM_ADDRESS_METADATA = '/shared/vendor/sinetti/team-address';

export async function startDovecot(options: StartDovecotOptions): Promise<DovecotHandle> {
  for (const binary of ['/usr/sbin/dovecot', '/usr/lib/dovecot/lmtp']) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: run scripts/env/ensure-system-packages.sh (dovecot-imapd, dovecot-lmtpd)`);
  }
  const { baseDir } = options;
  const teams = options.teams ?? [];
  const accounts = [...options.users, ...teams];
  const owner = await mailOwner();
  const [imapPort, imapsPort, lmtpPort] = (await freePorts(3)) as [number, number, number];

  mkdirSync(baseDir, { recursive: true });
  // Mail and login processes (not root) must traverse to their directories.
  chmodSync(baseDir, 0o711);
  // Otherwise Dovecot starts and every login fails with "Auth USER lookup failed" (the cause only in its log).
  const unreachable = serverReachProblem(baseDir);
  if (unreachable) throw new Error(`Dovecot cannot run here: ${unreachable}`);
  const dirs = {
    run: join(baseDir, 'run'),
    state: join(baseDir, 'state'),
    mail: join(baseDir, 'mail'),
    shared: join(baseDir, 'shared-dict'),
    tls: join(baseDir, 'tls'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o755 });
  chownSync(dirs.mail, owner.uid, owner.gid);
  chownSync(dirs.shared, owner.uid, owner.gid);
  chmodSync(dirs.tls, 0o700);

  const caCertPem = await makeCertificates(dirs.tls);
  const passwdFile = join(baseDir, 'passwd');
  writeFileSync(passwdFile, accounts.map((a) => `${a.name}:{PLAIN}${a.password}::::::\n`).join(''), { mode: 0o600 });
  // The auth process runs as the internal user and must read it; nobody else may.
  chownSync(passwdFile, owner.internalUid, owner.internalGid);

  const configPath = join(baseDir, 'dovecot.conf');
  writeFileSync(configPath, dovecotConfig({ baseDir, dirs, passwdFile, owner, imapPort, imapsPort, lmtpPort }));

  const doveadm = async (args: string[]): Promise<string> => {
    try {
      const { stdout } = await run('doveadm', ['-c', configPath, ...args], { maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`doveadm ${args.slice(0, 2).join(' ')} failed: ${stderr.trim() || String(error)}`);
    }
  };

  await launchMaster(configPath, baseDir);
  const handle: DovecotHandle = {
    host: '127.0.0.1',
    imapPort,
    imapsPort,
    lmtpPort,
    caCertPem,
    configPath,
    deliver: (user, raw) => deliverLmtp(lmtpPort, user, raw),
    appendMaildir: (user, folder, messages) => appendMaildir({ doveadm, mailDir: dirs.mail, owner }, user, folder, messages),
    createFolder: async (user, folder) => {
      await doveadm(['mailbox', 'create', '-s', '-u', user, folder]);
    },
    doveadm,
    stop: async () => {
      await stopDovecot(configPath, dirs.run);
    },
  };
  try {
    await waitForPort(imapPort);
    await waitForPort(lmtpPort);
    for (const account of accounts) {
      // Creates the Maildir with INBOX and the auto-created special-use folders.
      await doveadm(['mailbox', 'status', '-u', account.name, 'messages', 'INBOX']);
    }
    for (const team of teams) await shareTeamMailbox(doveadm, team);
  } catch (error) {
    await handle.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}${logTail(baseDir)}`);
  }
  return handle;
}

/**
 * The master daemonizes and its children inherit stdout/stderr: with pipes (execFile) the call
 * would never finish. Errors go to a file instead, read when the launch fails.
 */
async function launchMaster(configPath: string, baseDir: string): Promise<void> {
  const errFile = join(baseDir, 'dovecot-start.err');
  const errFd = openSync(errFile, 'w');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('/usr/sbin/dovecot', ['-c', configPath], { stdio: ['ignore', 'ignore', errFd] });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`Dovecot did not start (exit ${code}): ${readFileSync(errFile, 'utf8').trim()}${logTail(baseDir)}`);
  } finally {
    closeSync(errFd);
  }
}

async function shareTeamMailbox(doveadm: (args: string[]) => Promise<string>, team: DovecotTeam): Promise<void> {
  const folders = team.folders ?? TEAM_FOLDERS;
  for (const folder of folders) {
    await doveadm(['mailbox', 'create', '-s', '-u', team.name, folder]).catch((error: Error) => {
      if (!/exists/i.test(error.message)) throw error;
    });
  }
  const leads = team.leads ?? [];
  for (const folder of ['INBOX', ...folders]) {
    for (const member of [...new Set([...team.members, ...leads])]) {
      await doveadm(['acl', 'set', '-u', team.name, folder, `user=${member}`, ...(leads.includes(member) ? LEAD_RIGHTS : MEMBER_RIGHTS)]);
    }
  }
  if (team.stateFolder) {
    await doveadm(['mailbox', 'create', '-u', team.name, TEAM_STATE_FOLDER]).catch((error: Error) => {
      if (!/exists/i.test(error.message)) throw error;
    });
    for (const member of [...new Set([...team.members, ...leads])]) {
      await doveadm(['acl', 'set', '-u', team.name, TEAM_STATE_FOLDER, `user=${member}`, ...STATE_FOLDER_RIGHTS]);
    }
  }
  // `acl set` does not update the shared-mailbox dictionary; without this members see nothing in LIST.
  await doveadm(['acl', 'recalc', '-u', team.name]);
  if (team.label) await doveadm(['mailbox', 'metadata', 'set', '-u', team.name, 'INBOX', TEAM_NAME_METADATA, team.label]);
  if (team.address) await doveadm(['mailbox', 'metadata', 'set', '-u', team.name, 'INBOX', TEAM_ADDRESS_METADATA, team.address]);
}

interface Owner {
  uid: number;
  gid: number;
  user: string;
  loginUser: string;
  internalUser: string;
  internalUid: number;
  internalGid: number;
}

async function mailOwner(): Promise<Owner> {
  const me = userInfo();
  if (me.uid !== 0) {
    return { uid: me.uid, gid: me.gid, user: me.username, loginUser: me.username, internalUser: me.username, internalUid: me.uid, internalGid: me.gid };
  }
  await ensureSystemUser('vmail');
  await ensureSystemUser('dovenull');
  const vmail = await idOf('vmail');
  const internalUser = (await idOf('dovecot').then(
    () => true,
    () => false,
  ))
    ? 'dovecot'
    : 'dovenull';
  const internal = await idOf(internalUser);
  return { uid: vmail.uid, gid: vmail.gid, user: 'vmail', loginUser: 'dovenull', internalUser, internalUid: internal.uid, internalGid: internal.gid };
}

async function ensureSystemUser(name: string): Promise<void> {
  if (
    await idOf(name).then(
      () => true,
      () => false,
    )
  )
    return;
  await run('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group', name]).catch(
    async (error: { stderr?: string }) => {
      // Another test process may have created it in the meantime.
      if (
        !(await idOf(name).then(
          () => true,
          () => false,
        ))
      )
        throw new Error(`could not create system user ${name}: ${error.stderr ?? ''}`);
    },
  );
}

async function idOf(name: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

function dovecotConfig(c: {
  baseDir: string;
  dirs: Record<'run' | 'state' | 'mail' | 'shared' | 'tls', string>;
  passwdFile: string;
  owner: Owner;
  imapPort: number;
  imapsPort: number;
  lmtpPort: number;
}): string {
  const home = `${c.dirs.mail}/%n`;
  return `# Generated by test/support/dovecot.ts: a private test instance, loopback only.
protocols = imap lmtp
# 127.0.0.2 reaches the same server under a name its certificate does not carry (TLS tests).
listen = 127.0.0.1, 127.0.0.2
base_dir = ${c.dirs.run}
state_dir = ${c.dirs.state}
instance_name = sinetti-${randomBytes(4).toString('hex')}
log_path = ${c.baseDir}/dovecot.log
info_log_path = ${c.baseDir}/dovecot-info.log
default_internal_user = ${c.owner.internalUser}
default_internal_group = ${c.owner.internalUser}
default_login_user = ${c.owner.loginUser}
first_valid_uid = 1
first_valid_gid = 1

ssl = yes
ssl_cert = <${c.dirs.tls}/server.pem
ssl_key = <${c.dirs.tls}/server.key
ssl_min_protocol = TLSv1.2
# Plain IMAP exists only to test that Sinetti refuses it away from loopback and requires STARTTLS.
disable_plaintext_auth = no
auth_mechanisms = plain login

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n ${c.passwdFile}
}
userdb {
  driver = static
  args = uid=${c.owner.uid} gid=${c.owner.gid} home=${home}
}
mail_location = maildir:~/Maildir
mail_plugins = acl
# Mailbox METADATA (RFC 5464): team mailboxes publish their display name, e.g. "Aikuissosiaalityö".
mail_attribute_dict = file:%h/dovecot-attributes

namespace inbox {
  inbox = yes
  separator = /
  prefix =
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
  }
}
namespace shared {
  type = shared
  separator = /
  prefix = shared/%%u/
  # \\Seen per person in team mailboxes (INDEXPVT), as real deployments keep it: reading is not handling.
  location = maildir:${c.dirs.mail}/%%u/Maildir:INDEXPVT=~/Maildir/shared/%%u
  list = children
  subscriptions = no
}
plugin {
  acl = vfile
  acl_shared_dict = file:${c.dirs.shared}/shared-mailboxes.db
}
protocol imap {
  mail_plugins = $mail_plugins imap_acl
  imap_metadata = yes
}
protocol lmtp {
  # LMTP recipients arrive as full addresses; mailbox users have no domain.
  auth_username_format = %Ln
}
service imap-login {
  inet_listener imap {
    port = ${c.imapPort}
  }
  inet_listener imaps {
    port = ${c.imapsPort}
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    port = ${c.lmtpPort}
  }
}
service imap {
  process_limit = 256
}
service stats {
  unix_listener stats-reader {
    user = ${c.owner.user}
    mode = 0666
  }
  unix_listener stats-writer {
    user = ${c.owner.user}
    mode = 0666
  }
}
`;
}

/** A throwaway CA and a server certificate for 127.0.0.1 / localhost, signed by it. */
async function makeCertificates(dir: string): Promise<string> {
  return (await makeTestCertificates(dir, { dns: ['localhost'], ips: ['127.0.0.1'] })).caCertPem;
}

async function appendMaildir(
  ctx: { doveadm: (args: string[]) => Promise<string>; mailDir: string; owner: Owner },
  user: string,
  folder: string,
  messages: MaildirMessage[],
): Promise<void> {
  if (folder !== 'INBOX') {
    await ctx.doveadm(['mailbox', 'create', '-s', '-u', user, folder]).catch((error: Error) => {
      if (!/exists/i.test(error.message)) throw error;
    });
  }
  // Maildir++ layout: INBOX is the Maildir itself, other folders are ".Name" with "/" as ".".
  const folderDir = folder === 'INBOX' ? join(ctx.mailDir, user, 'Maildir') : join(ctx.mailDir, user, 'Maildir', `.${folder.replaceAll('/', '.')}`);
  const cur = join(folderDir, 'cur');
  mkdirSync(cur, { recursive: true });
  chownSync(cur, ctx.owner.uid, ctx.owner.gid);
  const base = Math.floor(Date.now() / 1000);
  const tag = randomBytes(3).toString('hex');
  messages.forEach((message, index) => {
    const flags = `${message.flagged ? 'F' : ''}${message.answered ? 'R' : ''}${message.seen ? 'S' : ''}`;
    // Dovecot assigns UIDs to new files in file-name order: a zero-padded sequence keeps ours.
    const name = `${base}.M${String(index).padStart(7, '0')}P${process.pid}_${tag}.sinetti:2,${flags}`;
    const file = join(cur, name);
    writeFileSync(file, message.raw);
    chownSync(file, ctx.owner.uid, ctx.owner.gid);
    if (message.internalDate) utimesSync(file, message.internalDate, message.internalDate);
  });
  // Index now, so the first SELECT does not pay for scanning (and so UIDs are fixed).
  await ctx.doveadm(['force-resync', '-u', user, folder]);
  await ctx.doveadm(['mailbox', 'status', '-u', user, 'messages', folder]);
}

/** Stops the Dovecot whose data directory is `baseDir` (clean-up of an interrupted run), if it runs. */
export async function stopDovecotIn(baseDir: string): Promise<void> {
  const configPath = join(baseDir, 'dovecot.conf');
  const runDir = join(baseDir, 'run');
  // A pid file left by a master that is gone may name an unrelated process by now: only a master
  // started with this very config is stopped.
  let cmdline = '';
  try {
    const pid = readFileSync(join(runDir, 'master.pid'), 'utf8').trim();
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (cmdline.split('\0').includes(configPath)) await stopDovecot(configPath, runDir);
}

async function stopDovecot(configPath: string, runDir: string): Promise<void> {
  const pidFile = join(runDir, 'master.pid');
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  await run('doveadm', ['-c', configPath, 'stop']).catch(() => {
    if (pid) process.kill(pid, 'SIGTERM');
  });
  for (let i = 0; i < 100 && pid && alive(pid); i += 1) await new Promise((r) => setTimeout(r, 50));
  if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function logTail(baseDir: string): string {
  try {
    const log = readFileSync(join(baseDir, 'dovecot.log'), 'utf8').trim().split('\n').slice(-15).join('\n');
    return log ? `\n--- dovecot.log (last lines) ---\n${log}` : '';
  } catch {
    return '';
  }
}
