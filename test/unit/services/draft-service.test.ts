/**
 * The draft service's logic with real keys (KeyService, openpgp.js), a real sealed local store and
 * an in-memory Drafts folder: where each save goes and why, one server copy per draft, nothing
 * readable on disk or on the "server", reopening on a second workstation, removal after sending,
 * planted copies refused. The same flows against real Dovecot: test/integration/drafts.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, readMessage, type PrivateKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import type { DraftContent } from '../../../shared/draft-schema.js';
import { IdentityKeyring } from '../../../main/services/crypto/identity-keys.js';
import { CompositeKeyProvider } from '../../../main/services/crypto/key-provider.js';
import { KeyService } from '../../../main/services/crypto/key-service.js';
import { TeamKeyStore } from '../../../main/services/crypto/team-key-store.js';
import { buildEncryptedDraft, readEncryptedDraft } from '../../../main/services/drafts/draft-mime.js';
import { DraftService } from '../../../main/services/drafts/draft-service.js';
import type { DraftsFolder, ServerDraftCopy } from '../../../main/services/mail/drafts-folder.js';
import { LocalDrafts } from '../../../main/services/drafts/local-drafts.js';
import { DomainEventBus, type DomainEvent } from '../../../main/services/events/domain-events.js';
import { MemoryKeychain } from '../../../main/services/secrets/memory-keychain.js';
import { messageIdFor } from '../../../main/services/mime/message-id.js';
import { SecretStore } from '../../../main/services/secrets/secret-store.js';

const ACCOUNT = 'acc-1';
const ADDRESS = 'anna@sinetti.test';
const SECRET_SUBJECT = 'Lastensuojeluilmoitus Virtaset';
const SECRET_TEXT = 'Asiakkaan henkilötunnus on 131052-308T.';

class MemoryDraftsFolder implements DraftsFolder {
  readonly messages = new Map<number, Buffer>();
  next = 1;
  failing = false;
  uidValidity = '7';
  async append(_accountId: string, raw: Buffer): Promise<ServerDraftCopy> {
    if (this.failing) throw Object.assign(new Error('offline'));
    this.messages.set(this.next, raw);
    return { path: 'Drafts', uid: this.next++, uidValidity: this.uidValidity };
  }
  async uids() {
    if (this.failing) throw new Error('offline');
    return { path: 'Drafts', uidValidity: this.uidValidity, uids: [...this.messages.keys()] };
  }
  async fetch(_accountId: string, uids: number[]) {
    return uids.filter((u) => this.messages.has(u)).map((uid) => ({ uid, raw: this.messages.get(uid)! }));
  }
  async remove(_accountId: string, copy: { uidValidity: string; uids: number[] }) {
    if (this.failing) throw new Error('offline');
    if (copy.uidValidity !== this.uidValidity) return;
    for (const uid of copy.uids) this.messages.delete(uid);
  }
}

/**
 * One workstation: real personal keys and a real team key store (the team key held as a team key,
 * when given), the identity decision create-services.ts wires, and the account's identity.
 */
async function workstation(
  folder: MemoryDraftsFolder,
  accountId = ACCOUNT,
  options: { address?: string; kind?: 'personal' | 'team'; teamKey?: PrivateKey; teamAddresses?: string[] } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'sinetti-drafts-unit-'));
  const secrets = new SecretStore(new MemoryKeychain(), dir);
  const events = new DomainEventBus();
  const seen: DomainEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const keys = new KeyService(secrets, events);
  const teamKeys = new TeamKeyStore(secrets);
  if (options.teamKey) await teamKeys.add({ accountId: 'a1', team: 'perhepalvelut' }, 'Perhepalvelut', [{ generation: 1, key: options.teamKey }], 'granted');
  const local = new LocalDrafts(join(dir, 'drafts'), secrets);
  const drafts = new DraftService({
    local,
    folder,
    identityKeys: new IdentityKeyring({ own: keys, team: teamKeys, teamAddresses: async () => options.teamAddresses ?? [] }),
    keyProvider: new CompositeKeyProvider([keys, teamKeys]),
    // Account ids differ between workstations; user@host is the same.
    accounts: () => [{ id: accountId, key: 'anna@imap.kunta.example' }],
    sender: async () => ({ address: options.address ?? ADDRESS, name: 'Anna', kind: options.kind ?? 'personal' }),
    events,
  });
  return { dir, keys, drafts, events, seen, draftsDir: join(dir, 'drafts') };
}

function content(overrides: Partial<DraftContent> = {}): DraftContent {
  return {
    draftId: randomUUID(),
    accountId: ACCOUNT,
    to: 'asiakas@example.net, kesken',
    cc: '',
    subject: SECRET_SUBJECT,
    text: SECRET_TEXT,
    attachments: [{ filename: 'muistio.txt', contentType: 'text/plain', contentBase64: Buffer.from('Liitteen sisältö').toString('base64') }],
    replyTo: { mailbox: { accountId: ACCOUNT, path: 'INBOX' }, uid: 42 },
    ...overrides,
  };
}

const noPlaintext = (bytes: Buffer) => {
  for (const secret of [SECRET_SUBJECT, SECRET_TEXT, '131052-308T', 'asiakas@example.net', 'Liitteen sisältö', 'Virtaset'])
    expect(bytes.includes(secret), secret).toBe(false);
};

describe('draft service', () => {
  it('without an own key keeps the draft on this workstation only, and says so', async () => {
    const folder = new MemoryDraftsFolder();
    const ws = await workstation(folder);
    const draft = content();
    expect(await ws.drafts.save(draft)).toMatchObject({ draftId: draft.draftId, server: 'no-key' });
    expect(folder.messages.size).toBe(0);
    for (const name of readdirSync(ws.draftsDir)) noPlaintext(readFileSync(join(ws.draftsDir, name)));
    expect((await ws.drafts.list()).drafts).toMatchObject([{ draftId: draft.draftId, subject: SECRET_SUBJECT, local: true, server: false }]);
    expect(ws.seen.filter((e) => e.type === 'draft.saved')).toEqual([expect.objectContaining({ draftId: draft.draftId, server: false })]);
  });

  it('encrypts the server copy, replaces it on every save, and reopens it on another workstation', async () => {
    const folder = new MemoryDraftsFolder();
    const a = await workstation(folder);
    const { privateKey } = await generateKey({ userIDs: [{ name: 'Anna', email: ADDRESS }], type: 'ecc', curve: 'curve25519Legacy', format: 'armored' });
    await a.keys.importPrivate(privateKey);
    const draft = content();
    expect(await a.drafts.save(draft)).toMatchObject({ server: 'saved' });
    expect(folder.messages.size).toBe(1);
    const raw = [...folder.messages.values()][0]!;
    expect(raw.toString('latin1')).toMatch(/^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted"/im);
    expect(raw.toString('latin1')).toMatch(/^Subject: \.\.\.$/m);
    expect(raw.toString('latin1')).not.toMatch(/^(To|Cc):/im);
    noPlaintext(raw);
    for (const name of readdirSync(a.draftsDir)) noPlaintext(readFileSync(join(a.draftsDir, name)));

    await a.drafts.save({ ...draft, text: `${SECRET_TEXT} Toinen versio.` });
    await a.drafts.save({ ...draft, text: `${SECRET_TEXT} Kolmas versio.` });
    expect([...folder.messages.keys()]).toEqual([3]);

    // Another workstation with the same key imported: lists it from the server and opens it.
    const b = await workstation(folder, 'acc-2');
    await b.keys.importPrivate(privateKey);
    const listed = await b.drafts.list();
    expect(listed).toMatchObject({
      drafts: [{ draftId: draft.draftId, subject: SECRET_SUBJECT, to: draft.to, local: false, server: true, attachments: 1 }],
      unreadableOnServer: 0,
    });
    const opened = await b.drafts.open(draft.draftId);
    // Everything back, with the accounts mapped to this workstation's own account ids.
    expect(opened).toEqual({
      ...draft,
      accountId: 'acc-2',
      replyTo: { mailbox: { accountId: 'acc-2', path: 'INBOX' }, uid: 42 },
      text: `${SECRET_TEXT} Kolmas versio.`,
      savedAt: expect.any(Number),
    });
    // B edits: B's save replaces A's copy; A then sees B's version, under A's account.
    const { savedAt: _savedAt, ...reopened } = opened;
    void _savedAt;
    expect(await b.drafts.save({ ...reopened, subject: 'Muutettu aihe' })).toMatchObject({ server: 'saved' });
    expect(folder.messages.size).toBe(1);
    expect((await a.drafts.list()).drafts).toMatchObject([{ draftId: draft.draftId, subject: 'Muutettu aihe', server: true }]);
    expect(await a.drafts.open(draft.draftId)).toMatchObject({ subject: 'Muutettu aihe', accountId: ACCOUNT, replyTo: { mailbox: { accountId: ACCOUNT } } });

    // Without the key nothing opens: it is counted, never shown.
    const c = await workstation(folder);
    await c.keys.generate({ name: 'Muu', email: 'muu@sinetti.test' });
    expect(await c.drafts.list()).toMatchObject({ drafts: [], unreadableOnServer: 1 });
  });

  it('removes the local and the server copy when the message is accepted, and on discard', async () => {
    const folder = new MemoryDraftsFolder();
    const ws = await workstation(folder);
    await ws.keys.generate({ name: 'Anna', email: ADDRESS });
    const sent = content();
    const kept = content();
    await ws.drafts.save(sent);
    await ws.drafts.save(kept);
    expect(folder.messages.size).toBe(2);
    // Main minted the sent message's Message-ID from the draft id (under whatever domain it was sent from).
    ws.events.emit({ type: 'message.accepted', accountId: ACCOUNT, messageId: messageIdFor(sent.draftId, 'perhepalvelut@sinetti.test'), at: Date.now() });
    await expect.poll(async () => (await ws.drafts.list()).drafts.map((d) => d.draftId)).toEqual([kept.draftId]);
    expect(folder.messages.size).toBe(1);
    // A late autosave of the sent draft does not bring it back.
    await expect(ws.drafts.save(sent)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await ws.drafts.discard(kept.draftId);
    expect(folder.messages.size).toBe(0);
    expect(readdirSync(ws.draftsDir)).toEqual([]);
    expect(ws.seen.filter((e) => e.type === 'draft.discarded').map((e) => (e as { reason: string }).reason)).toEqual(['sent', 'discarded']);
  });

  it('keeps saving locally while the server is unreachable, and replaces the old copy once it is back', async () => {
    const folder = new MemoryDraftsFolder();
    const ws = await workstation(folder);
    await ws.keys.generate({ name: 'Anna', email: ADDRESS });
    const draft = content();
    await ws.drafts.save(draft);
    folder.failing = true;
    expect(await ws.drafts.save({ ...draft, text: 'Offline-versio' })).toMatchObject({ server: 'failed', error: 'INTERNAL' });
    expect((await ws.drafts.list()).unavailableAccounts).toEqual([ACCOUNT]);
    expect(await ws.drafts.open(draft.draftId)).toMatchObject({ text: 'Offline-versio' });
    folder.failing = false;
    await ws.drafts.save({ ...draft, text: 'Verkko palasi' });
    expect(folder.messages.size).toBe(1);
    expect((await ws.drafts.list()).drafts).toMatchObject([{ draftId: draft.draftId, local: true, server: true }]);
  });

  it('says the key is locked rather than storing an unsigned copy; no account means local only', async () => {
    const folder = new MemoryDraftsFolder();
    const ws = await workstation(folder);
    await ws.keys.generate({ name: 'Anna', email: ADDRESS, passphrase: 'pitkä salalause 2026' });
    expect(await ws.drafts.save(content())).toMatchObject({ server: 'key-locked' });
    expect(await ws.drafts.save(content({ accountId: '' }))).toMatchObject({ server: 'no-account' });
    expect(folder.messages.size).toBe(0);
  });

  it('brings back an empty draft and unusual text byte for byte', async () => {
    const ws = await workstation(new MemoryDraftsFolder());
    const own = await ws.keys.generate({ name: 'Anna', email: ADDRESS });
    const key = (await ws.keys.privateKey(own.fingerprint))!;
    const provider = new CompositeKeyProvider([ws.keys]);
    for (const draft of [
      content({ to: '', subject: '', text: '', attachments: [] }),
      content({ text: 'rivi 1\n\n  sisennys\t\nviimeinen ilman rivinvaihtoa', subject: 'Åäö – "lainaus" =?utf-8?' }),
    ]) {
      const raw = await buildEncryptedDraft({ ...draft, savedAt: 1 }, { address: ADDRESS }, { encryptionKeys: [key.toPublic()], signingKey: key });
      expect(await readEncryptedDraft(raw, provider)).toEqual({ ok: true, draft: { ...draft, savedAt: 1 }, accounts: {} });
    }
  });

  it('encrypts a team mailbox draft to the team key too, so a colleague holding it reopens the draft', async () => {
    const folder = new MemoryDraftsFolder();
    const team = 'perhepalvelut@sinetti.test';
    const { privateKey: teamKey } = await generateKey({
      userIDs: [{ name: 'Perhepalvelut', email: team }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
    });
    const anna = await workstation(folder, ACCOUNT, { address: team, kind: 'team', teamKey });
    await anna.keys.generate({ name: 'Anna', email: ADDRESS });
    const draft = content();
    expect(await anna.drafts.save(draft)).toMatchObject({ server: 'saved' });
    // Mikko: his own key (not Anna's) and the team key.
    const mikko = await workstation(folder, 'acc-m', { address: team, kind: 'team', teamKey });
    await mikko.keys.generate({ name: 'Mikko', email: 'mikko@sinetti.test' });
    expect((await mikko.drafts.list()).drafts).toMatchObject([{ draftId: draft.draftId, subject: SECRET_SUBJECT }]);
    expect(await mikko.drafts.open(draft.draftId)).toMatchObject({ text: SECRET_TEXT });
    // Someone with neither key opens nothing.
    const outsider = await workstation(folder, 'acc-o');
    await outsider.keys.generate({ name: 'Ulla', email: 'ulla@sinetti.test' });
    expect(await outsider.drafts.list()).toMatchObject({ drafts: [], unreadableOnServer: 1 });
  });

  it("encrypts a personal draft only to the person's own keys, even with the team key imported under personal keys", async () => {
    const team = 'perhepalvelut@sinetti.test';
    const { privateKey: teamKey } = await generateKey({
      userIDs: [{ name: 'Perhepalvelut', email: team }],
      type: 'ecc',
      curve: 'curve25519Legacy',
      format: 'object',
    });
    const teamSubkeys = new Set([teamKey, ...teamKey.getSubkeys()].map((k) => k.getKeyID().toHex()));
    // Known as a team's key two ways: the server offers the team address, or it is also held as the team key.
    for (const known of [{ teamAddresses: [team] }, { teamKey }]) {
      const folder = new MemoryDraftsFolder();
      const ws = await workstation(folder, ACCOUNT, known);
      const own = await ws.keys.generate({ name: 'Anna', email: ADDRESS });
      await ws.keys.importPrivate(teamKey.armor());
      expect(await ws.drafts.save(content())).toMatchObject({ server: 'saved' });
      const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec([...folder.messages.values()][0]!.toString('latin1'))![0];
      const recipients = (await readMessage({ armoredMessage: armored })).getEncryptionKeyIDs().map((id) => id.toHex());
      const ownKey = (await ws.keys.privateKey(own.fingerprint))!;
      expect(recipients.filter((id) => teamSubkeys.has(id))).toEqual([]);
      expect(recipients).toEqual(ownKey.getSubkeys().map((k) => k.getKeyID().toHex()));
      // A colleague who holds only the team key cannot open the person's draft.
      const colleague = await workstation(folder, 'acc-m', { address: team, kind: 'team', teamKey });
      await colleague.keys.generate({ name: 'Mikko', email: 'mikko@sinetti.test' });
      expect(await colleague.drafts.list()).toMatchObject({ drafts: [], unreadableOnServer: 1 });
    }
  });

  it('refuses a planted copy: encrypted to the person but signed by someone else', async () => {
    const folder = new MemoryDraftsFolder();
    const ws = await workstation(folder);
    const own = await ws.keys.generate({ name: 'Anna', email: ADDRESS });
    const ownPublic = (await ws.keys.privateKey(own.fingerprint))!.toPublic();
    const { privateKey: attacker } = await generateKey({ userIDs: [{ email: ADDRESS }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' });
    const planted = await buildEncryptedDraft(
      { ...content({ text: 'Lähetä tämä heti' }), savedAt: Date.now() },
      { address: ADDRESS },
      { encryptionKeys: [ownPublic], signingKey: attacker },
    );
    folder.messages.set(folder.next++, planted);
    expect(await readEncryptedDraft(planted, new CompositeKeyProvider([ws.keys]))).toEqual({ ok: false, reason: 'unverified' });
    expect(await ws.drafts.list()).toMatchObject({ drafts: [], unreadableOnServer: 1 });
    // Plain mail in the folder (another client's draft) is not ours: neither listed nor counted.
    folder.messages.set(folder.next++, Buffer.from(`From: ${ADDRESS}\r\nSubject: Oma luonnos\r\n\r\nTeksti\r\n`));
    expect(await ws.drafts.list()).toMatchObject({ drafts: [], unreadableOnServer: 1 });
  });
});
