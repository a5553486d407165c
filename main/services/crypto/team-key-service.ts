/**
 * Team keys end to end: a team lead (the server grants them the administer right "a" on the team
 * mailbox) creates the team's key, grants it to members by sealing it to their personal public
 * keys in the team's keys folder, and rotates it when a member is removed; members find the
 * grants addressed to them and import them. Who leads is the server's word (MYRIGHTS), checked
 * before every lead action; whom a member trusts as a lead is the member's own decision, made by
 * comparing the lead's fingerprint once and then pinned for that team. Every create, grant,
 * rotation and import is a domain event (identifiers only).
 */
import { generateKey, type PrivateKey } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import type { PendingGrant, TeamView } from '../../../shared/team-key-schema.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { TeamDirectoryEntry } from '../team/team-directory.js';
import type { TeamRef } from '../team/team-ref.js';
import { groupFingerprint } from './fingerprint.js';
import { requireSigningKey, type IdentityKeyring } from './identity-keys.js';
import type { KeyService } from './key-service.js';
import { readPublicKey } from './key-service.js';
import { OPENPGP_CONFIG, OPENPGP_FULL_CONFIG } from './openpgp-policy.js';
import { buildGrantMessage, parseGrantMessage } from './team-grant-message.js';
import { openGrant, readRosterEntry, sealGrant, signRosterEntry, type RosterEntry } from './team-key-grant.js';
import type { HeldGeneration, TeamKeyStore } from './team-key-store.js';

/**
 * What the team-key service needs from the mail server: the team mailboxes and each team's keys
 * folder. mail/team-key-folder.ts implements it over IMAP (`imapTeamMailAccess`), so IMAP stays in
 * mail/ and crypto/ does not depend on mail/.
 */
export interface TeamMailAccess {
  /** The team directory (team/team-directory.ts): teams, their INBOX and who leads, as the server says now. */
  teamDirectory(): Promise<TeamDirectoryEntry[]>;
  /** Where a team's keys folder is, given the path of the team's INBOX. */
  keysFolderPath(teamInboxPath: string): string;
  /** Creates the keys folder when it is missing. */
  ensureKeysFolder(accountId: string, folder: string): Promise<void>;
  /** Every message of the keys folder (none when the folder does not exist yet). */
  readKeysFolder(accountId: string, folder: string): Promise<{ uid: number; raw: Buffer }[]>;
  /** Creates the keys folder when it is missing and files the messages in it. */
  fileInKeysFolder(accountId: string, folder: string, messages: Buffer[]): Promise<void>;
}

interface TeamMailbox {
  ref: TeamRef;
  team: string;
  label: string;
  accountId: string;
  isLead: boolean;
  folder: string;
}

const fp = (key: { getFingerprint(): string }) => key.getFingerprint().toUpperCase();

export class TeamKeyService {
  constructor(
    private readonly store: TeamKeyStore,
    private readonly keys: KeyService,
    /** Which key signs as the lead (identity-keys.ts): their own, never a team key. */
    private readonly identityKeys: Pick<IdentityKeyring, 'keysFor'>,
    private readonly mail: TeamMailAccess,
    private readonly events?: DomainEventBus,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<TeamView[]> {
    const out: TeamView[] = [];
    for (const box of await this.teamMailboxes()) {
      const held = await this.store.generations(box.ref);
      const members = box.isLead && held.length ? await this.roster(box, held.at(-1)!) : [];
      out.push({
        team: box.team,
        label: box.label,
        accountId: box.accountId,
        isLead: box.isLead,
        keys: held.map((g, i) => ({
          generation: g.generation,
          fingerprint: g.fingerprint,
          fingerprintGrouped: groupFingerprint(g.fingerprint),
          keyId: g.key.getKeyID().toHex().toUpperCase(),
          userIds: g.key.getUserIDs(),
          created: g.key.getCreationTime().getTime(),
          current: i === held.length - 1,
        })),
        members: members.map((m) => ({
          fingerprint: m.entry.memberFingerprint,
          fingerprintGrouped: groupFingerprint(m.entry.memberFingerprint),
          userIds: m.userIds,
          generation: m.entry.generation,
          grantedAt: m.entry.grantedAt,
        })),
      });
    }
    return out;
  }

  async create(accountId: string, team: string, identity: { name: string; email: string }): Promise<TeamView> {
    const box = await this.requireLead(accountId, team);
    if (await this.store.current(box.ref)) throw new ServiceError('VALIDATION', 'This team already has a key; removing a member rotates it.');
    const lead = await this.leadKey();
    const key = await newTeamKey([{ name: identity.name, email: identity.email }]);
    await this.store.add(box.ref, box.label, [{ generation: 1, key }], 'created', fp(lead));
    // The folder exists from the start, so members can see where their grants will arrive.
    await this.mail.ensureKeysFolder(accountId, box.folder);
    this.events?.emit({ type: 'openpgp.team.created', team, fingerprint: fp(key), generation: 1, at: this.now() });
    return this.view(box);
  }

  /** Seals every generation to the member, files the grant in the keys folder, and returns it for saving as a file too. */
  async grant(
    accountId: string,
    team: string,
    memberArmored: string,
  ): Promise<{ member: { fingerprint: string; fingerprintGrouped: string; userIds: string[] }; armored: string }> {
    const box = await this.requireLead(accountId, team);
    const member = await readPublicKey(memberArmored);
    const held = await this.requireHeld(box.ref);
    const lead = await this.leadKey();
    const [delivery] = await this.deliver(box, held, [member], lead);
    return { member: { fingerprint: fp(member), fingerprintGrouped: groupFingerprint(fp(member)), userIds: member.getUserIDs() }, armored: delivery!.grant };
  }

  /** Removes a member by rotating: a new generation, sealed to everyone else on the roster; old generations stay with them. */
  async removeMember(accountId: string, team: string, memberFingerprint: string): Promise<TeamView> {
    const box = await this.requireLead(accountId, team);
    const held = await this.requireHeld(box.ref);
    const current = held.at(-1)!;
    const removed = memberFingerprint.toUpperCase();
    const roster = await this.roster(box, current);
    if (!roster.some((m) => m.entry.memberFingerprint === removed)) throw new ServiceError('NOT_FOUND', 'That key is not a member of this team.');
    const lead = await this.leadKey();
    const key = await newTeamKey(current.key.getUserIDs().map(parseUserId));
    const generation = current.generation + 1;
    await this.store.add(box.ref, box.label, [{ generation, key }], 'created', fp(lead));
    this.events?.emit({
      type: 'openpgp.team.rotated',
      team,
      fingerprint: fp(key),
      previousFingerprint: current.fingerprint,
      removedMemberFingerprint: removed,
      generation,
      at: this.now(),
    });
    const remaining = await Promise.all(roster.filter((m) => m.entry.memberFingerprint !== removed).map((m) => readPublicKey(m.entry.memberPublicKey)));
    if (remaining.length) await this.deliver(box, await this.store.generations(box.ref), remaining, lead);
    return this.view(box);
  }

  async exportPublic(accountId: string, team: string): Promise<string> {
    const box = await this.teamMailbox(accountId, team);
    const current = await this.store.current(box.ref);
    if (!current) throw new ServiceError('NOT_FOUND', 'You hold no key of this team.');
    return current.key.toPublic().armor(OPENPGP_FULL_CONFIG);
  }

  /** Grants in the team keys folders addressed to one of the person's keys, for teams whose key they do not hold yet. */
  async pendingGrants(): Promise<PendingGrant[]> {
    const ownAll = (await this.keys.list()).map((k) => k.fingerprint);
    const usable = await this.keys.decryptionKeys();
    const out: PendingGrant[] = [];
    for (const box of await this.teamMailboxes()) {
      const messages = await this.mail.readKeysFolder(box.accountId, box.folder);
      const pinned = (await this.store.team(box.ref))?.leads ?? [];
      for (const { uid, raw } of messages) {
        const parsed = await parseGrantMessage(raw).catch(() => null);
        if (!parsed?.grant || !parsed.claimedMember || !ownAll.includes(parsed.claimedMember)) continue;
        const base = {
          accountId: box.accountId,
          uid,
          team: box.team,
          teamLabel: box.label,
          generation: 0,
          teamFingerprintGrouped: '',
          lead: null,
          leadConfirmed: false,
        };
        if (!usable.some((k) => fp(k) === parsed.claimedMember)) {
          out.push({ ...base, state: 'locked' });
          continue;
        }
        const described = await this.describe(parsed.grant, usable, box.ref);
        if (described === 'held') continue;
        out.push({ ...base, ...described, teamLabel: box.label, leadConfirmed: described.lead ? pinned.includes(described.lead.fingerprint) : false });
      }
    }
    return out;
  }

  /** What a grant from a file holds, checked like an import (nothing is stored). */
  async previewGrant(armored: string): Promise<Omit<PendingGrant, 'accountId' | 'uid'>> {
    const usable = await this.keys.decryptionKeys();
    if (usable.length === 0 && (await this.keys.lockedKeys()).length)
      return { team: '', teamLabel: '', generation: 0, teamFingerprintGrouped: '', lead: null, leadConfirmed: false, state: 'locked' };
    const described = await this.describe(armored, usable, null);
    if (described === 'held') throw new ServiceError('VALIDATION', 'You already hold this team key.');
    const refs = await this.refsNamed(described.team);
    const lead = described.lead?.fingerprint;
    const confirmed = refs.length > 0 && lead !== undefined && (await this.pinnedInAll(refs, lead));
    return { ...described, leadConfirmed: confirmed };
  }

  private async describe(
    armored: string,
    usable: PrivateKey[],
    expected: TeamRef | null,
  ): Promise<Omit<PendingGrant, 'accountId' | 'uid' | 'leadConfirmed'> | 'held'> {
    const expectedTeam = expected?.team ?? null;
    try {
      const opened = await openGrant(armored, usable);
      if (expectedTeam !== null && opened.payload.team !== expectedTeam)
        throw new ServiceError('TEAM_GRANT_REFUSED', 'The grant is for another team than the mailbox it was found in.');
      if (await this.store.holds(opened.payload.teamFingerprint)) return 'held';
      await this.assertContinuity(expected ? [expected] : await this.refsNamed(opened.payload.team), opened.keys);
      return {
        team: opened.payload.team,
        teamLabel: opened.payload.teamLabel,
        generation: opened.payload.generation,
        teamFingerprintGrouped: groupFingerprint(opened.payload.teamFingerprint),
        lead: {
          fingerprint: opened.payload.leadFingerprint,
          fingerprintGrouped: groupFingerprint(opened.payload.leadFingerprint),
          userIds: opened.lead.getUserIDs(),
        },
        state: 'ready',
      };
    } catch (error) {
      return {
        team: expectedTeam ?? '',
        teamLabel: '',
        generation: 0,
        teamFingerprintGrouped: '',
        lead: null,
        state: 'refused',
        reason: (error as Error).message,
      };
    }
  }

  /**
   * Imports a grant (from the keys folder or a file). A lead this person has not trusted for the
   * team before must be confirmed by passing the exact fingerprint they compared.
   */
  async importGrant(
    source: { kind: 'folder'; accountId: string; uid: number } | { kind: 'file'; armored: string },
    confirmLead?: string,
  ): Promise<{ team: string; generation: number; fingerprintGrouped: string; added: number }> {
    let armored: string;
    let expected: TeamRef | null = null;
    if (source.kind === 'folder') {
      const found = await this.findFolderGrant(source.accountId, source.uid);
      armored = found.armored;
      expected = found.ref;
    } else {
      armored = source.armored;
    }
    const own = await this.keys.decryptionKeys();
    if (own.length === 0 && (await this.keys.lockedKeys()).length)
      throw new ServiceError('KEY_LOCKED', 'Unlock your key with its passphrase to open the grant.');
    const opened = await openGrant(armored, own);
    const { team, teamLabel, leadFingerprint, generation, teamFingerprint } = opened.payload;
    if (expected !== null && team !== expected.team)
      throw new ServiceError('TEAM_GRANT_REFUSED', 'The grant is for another team than the mailbox it was found in.');
    // A grant from a file names the team only: it is for that team on every account whose server has it.
    const refs = expected ? [expected] : await this.refsNamed(team);
    if (!refs.length) throw new ServiceError('TEAM_GRANT_REFUSED', 'None of your accounts has the team mailbox this grant is for.');
    if (!(await this.pinnedInAll(refs, leadFingerprint)) && confirmLead?.toUpperCase() !== leadFingerprint) {
      throw new ServiceError('TEAM_GRANT_REFUSED', "Compare the team lead's fingerprint with the lead and confirm it before importing.");
    }
    await this.assertContinuity(refs, opened.keys);
    let addedCount = 0;
    for (const ref of refs) addedCount = Math.max(addedCount, (await this.store.add(ref, teamLabel, opened.keys, 'granted', leadFingerprint)).length);
    const added = { length: addedCount };
    this.events?.emit({ type: 'openpgp.team.imported', team, fingerprint: teamFingerprint, leadFingerprint, generation, at: this.now() });
    return { team, generation, fingerprintGrouped: groupFingerprint(teamFingerprint), added: added.length };
  }

  /**
   * Continuity: a grant for a team whose keys the person holds must carry those keys too (grants
   * hold every generation), which only a holder of the team key can do. A stranger's "new
   * generation" would otherwise become the key team mail is encrypted to.
   */
  private async assertContinuity(refs: TeamRef[], keys: { key: PrivateKey }[]): Promise<void> {
    const carried = new Set(keys.map((g) => fp(g.key)));
    const held = (await Promise.all(refs.map((ref) => this.store.generations(ref)))).flat();
    if (held.some((g) => !carried.has(g.fingerprint))) {
      throw new ServiceError(
        'TEAM_GRANT_REFUSED',
        "The grant does not carry the team keys you already hold, so it does not come from a holder of this team's key.",
      );
    }
  }

  private async deliver(
    box: TeamMailbox,
    held: HeldGeneration[],
    members: import('openpgp').Key[],
    lead: PrivateKey,
  ): Promise<{ member: string; grant: string }[]> {
    const current = held.at(-1)!;
    const leadAddress = lead.getUserIDs()[0] ?? 'Sinetti';
    const prepared: { member: string; grant: string; raw: Buffer }[] = [];
    for (const member of members) {
      const grant = await sealGrant({ team: box.team, teamLabel: box.label, generations: held, member, lead, now: this.now() });
      const roster = await signRosterEntry(
        {
          team: box.team,
          generation: current.generation,
          teamFingerprint: current.fingerprint,
          memberFingerprint: fp(member),
          memberPublicKey: member.armor(OPENPGP_FULL_CONFIG),
          leadFingerprint: fp(lead),
          grantedAt: this.now(),
        },
        current.key,
      );
      const raw = buildGrantMessage({
        team: box.team,
        teamLabel: box.label,
        generation: current.generation,
        memberFingerprint: fp(member),
        memberUserId: member.getUserIDs()[0] ?? fp(member),
        leadAddress,
        grant,
        roster,
      });
      prepared.push({ member: fp(member), grant, raw });
    }
    await this.mail.fileInKeysFolder(
      box.accountId,
      box.folder,
      prepared.map((item) => item.raw),
    );
    for (const item of prepared) {
      this.events?.emit({
        type: 'openpgp.team.granted',
        team: box.team,
        fingerprint: current.fingerprint,
        memberFingerprint: item.member,
        generation: current.generation,
        at: this.now(),
      });
    }
    return prepared.map(({ member, grant }) => ({ member, grant }));
  }

  /** Members of a generation: roster entries in the keys folder that the generation's own key signed. */
  private async roster(box: TeamMailbox, generation: HeldGeneration): Promise<{ entry: RosterEntry; userIds: string[] }[]> {
    const messages = await this.mail.readKeysFolder(box.accountId, box.folder);
    const byMember = new Map<string, { entry: RosterEntry; userIds: string[] }>();
    for (const { raw } of messages) {
      const parsed = await parseGrantMessage(raw).catch(() => null);
      if (!parsed?.roster) continue;
      const entry = await readRosterEntry(parsed.roster, generation.key.toPublic());
      if (!entry || entry.team !== box.team || entry.generation !== generation.generation) continue;
      const member = await readPublicKey(entry.memberPublicKey).catch(() => null);
      if (!member || fp(member) !== entry.memberFingerprint) continue;
      byMember.set(entry.memberFingerprint, { entry, userIds: member.getUserIDs() });
    }
    return [...byMember.values()].sort((a, b) => a.entry.grantedAt - b.entry.grantedAt);
  }

  /** The teams of that name among the person's accounts (a grant file names its team only). */
  private async refsNamed(team: string): Promise<TeamRef[]> {
    return (await this.teamMailboxes()).filter((b) => b.team === team).map((b) => b.ref);
  }

  private async pinnedInAll(refs: TeamRef[], lead: string): Promise<boolean> {
    for (const ref of refs) if (!((await this.store.team(ref))?.leads ?? []).includes(lead)) return false;
    return true;
  }

  private async findFolderGrant(accountId: string, uid: number): Promise<{ armored: string; ref: TeamRef }> {
    for (const box of (await this.teamMailboxes()).filter((b) => b.accountId === accountId)) {
      const messages = await this.mail.readKeysFolder(accountId, box.folder);
      const message = messages.find((m) => m.uid === uid);
      if (!message) continue;
      const parsed = await parseGrantMessage(message.raw);
      if (parsed.grant) return { armored: parsed.grant, ref: box.ref };
    }
    throw new ServiceError('NOT_FOUND', 'The grant is no longer in the team keys folder.');
  }

  private async view(box: TeamMailbox): Promise<TeamView> {
    const views = await this.list();
    return views.find((v) => v.accountId === box.accountId && v.team === box.team)!;
  }

  private async requireHeld(ref: TeamRef): Promise<HeldGeneration[]> {
    const held = await this.store.generations(ref);
    if (!held.length) throw new ServiceError('NOT_FOUND', 'This team has no key yet: create it first.');
    return held;
  }

  private async requireLead(accountId: string, team: string): Promise<TeamMailbox> {
    const box = await this.teamMailbox(accountId, team);
    if (!box.isLead) throw new ServiceError('UNAUTHORIZED', 'Only a team lead (the administer right on the team mailbox) can manage the team key.');
    return box;
  }

  private async teamMailbox(accountId: string, team: string): Promise<TeamMailbox> {
    const box = (await this.teamMailboxes()).find((b) => b.accountId === accountId && b.team === team);
    if (!box) throw new ServiceError('NOT_FOUND', 'No such team mailbox.');
    return box;
  }

  /**
   * Team mailboxes the server shares with the person, with the rights it reports now (never
   * cached). Keys held under a bare team name (before keys were kept per account and team) are
   * moved to the account(s) whose server has that team, here, before anything reads them.
   */
  private async teamMailboxes(): Promise<TeamMailbox[]> {
    const directory = await this.mail.teamDirectory();
    await this.store.migrateLegacy(directory.map((e) => e.ref));
    return directory.map((entry) => ({
      ref: entry.ref,
      team: entry.ref.team,
      label: entry.label,
      accountId: entry.ref.accountId,
      isLead: entry.isLead,
      folder: this.mail.keysFolderPath(entry.inboxPath),
    }));
  }

  /**
   * The lead's own personal key: grants are signed with it, decided where every signing key is
   * (identity-keys.ts) — never a team key, not even one imported under personal keys.
   */
  private async leadKey(): Promise<PrivateKey> {
    const own = await this.identityKeys.keysFor({ address: '', kind: 'personal' });
    if (own.signing === 'none') throw new ServiceError('VALIDATION', 'Grants are signed with your own key: create or import one under Keys first.');
    return requireSigningKey(own);
  }
}

async function newTeamKey(userIDs: { name?: string; email?: string }[]): Promise<PrivateKey> {
  const { privateKey } = await generateKey({ userIDs, type: 'ecc', curve: 'curve25519Legacy', keyExpirationTime: 0, format: 'object', config: OPENPGP_CONFIG });
  return privateKey;
}

function parseUserId(userId: string): { name?: string; email?: string } {
  const match = /^(.*?)\s*<([^>]+)>\s*$/.exec(userId);
  return match ? { ...(match[1] ? { name: match[1] } : {}), email: match[2] } : { name: userId };
}
