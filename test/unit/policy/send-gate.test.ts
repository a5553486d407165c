/**
 * The send gate: only what the decision allows reaches the transport, built for its route; an
 * approval is bound to the exact message and recipients; nothing reaches the transport otherwise.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, type PrivateKey } from 'openpgp';
import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../../main/services/crypto/pgp-mime-writer.js';
import { DomainEventBus, type DomainEvent } from '../../../main/services/events/domain-events.js';
import { PolicyService } from '../../../main/services/policy/policy-service.js';
import { SendGate, type Envelope } from '../../../main/services/send/send-gate.js';
import { SettingsStore } from '../../../main/services/settings/settings-store.js';

let sender: PrivateKey;
let partner: PrivateKey;

beforeAll(async () => {
  sender = (await generateKey({ userIDs: [{ email: 'perhepalvelut@kunta.example' }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' })).privateKey;
  partner = (await generateKey({ userIDs: [{ email: 'kumppani@kela.example' }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' })).privateKey;
});

function gate(managed: unknown, keys?: ConstructorParameters<typeof SendGate>[0]['keys']) {
  const dir = mkdtempSync(join(tmpdir(), 'sinetti-gate-'));
  const path = join(dir, 'policy.json');
  writeFileSync(path, JSON.stringify(managed));
  let doc: Record<string, unknown> = {};
  const settings = new SettingsStore({ read: () => doc, write: (d) => void (doc = structuredClone(d) as Record<string, unknown>) });
  const sent: Envelope[] = [];
  const events: DomainEvent[] = [];
  const bus = new DomainEventBus();
  bus.subscribe((e) => events.push(e));
  const instance = new SendGate({
    policy: new PolicyService({ managedPolicyPath: path, settings }),
    keys: keys ?? {
      recipientKey: async (address) => (address === 'kumppani@kela.example' ? partner.toPublic() : null),
      identityKeys: async () => ({ signWith: sender, signing: 'ready', encryptToSelf: [sender.toPublic()] }),
    },
    transport: { send: async (envelope) => void sent.push(envelope) },
    events: bus,
  });
  return { gate: instance, sent, events };
}

const message = (overrides: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  from: { name: 'Perhepalvelut', address: 'perhepalvelut@kunta.example' },
  to: [{ address: 'asiakas@example.net' }],
  subject: 'Asiasi',
  text: 'Henkilötunnuksesi 131052-308T on kirjattu.',
  messageId: 'm1@kunta.example',
  date: new Date(),
  ...overrides,
});

const managedWithGateway = {
  version: 1,
  domains: { internal: ['kunta.example'] },
  actions: { sensitive: { external: 'gateway', partner: 'gateway' } },
  gateway: { enabled: true, method: 'suffix', suffix: '.s', mobileNumber: 'optional', mobileHeader: 'X-Sinetti-Mobile' },
};

describe('SendGate', () => {
  it('sends by the decided routes only: gateway copy with the suffix and mobile number, OpenPGP copy to the keyed partner', async () => {
    const { gate: g, sent, events } = gate(managedWithGateway);
    const m = message({ to: [{ address: 'asiakas@example.net' }, { address: 'kumppani@kela.example' }] });
    const { decision, token } = await g.evaluate(m);
    expect(decision.route).toBe('split');
    await g.submit(m, { token, mobileNumber: '+358 40 123 4567' });
    expect(sent.map((e) => [e.route, e.to])).toEqual([
      ['openpgp', ['kumppani@kela.example']],
      ['gateway', ['asiakas@example.net.s']],
    ]);
    const gatewayCopy = await PostalMime.parse(sent[1]!.raw);
    expect(gatewayCopy.headers.find((h) => h.key === 'x-sinetti-mobile')?.value).toBe('+358401234567');
    expect(gatewayCopy.to?.map((a) => (a as { address: string }).address)).toContain('asiakas@example.net.s');
    const encrypted = sent[0]!.raw.toString('latin1');
    expect(encrypted).toMatch(/multipart\/encrypted/);
    expect(encrypted).not.toContain('131052');
    expect(events).toEqual([expect.objectContaining({ type: 'message.sent', messageId: 'm1@kunta.example', routes: ['openpgp', 'gateway'], recipients: 2 })]);
  });

  it('refuses when anything changed after approval, or the token belongs to another message', async () => {
    const { gate: g, sent } = gate(managedWithGateway);
    const m = message();
    const { token } = await g.evaluate(m);
    await expect(g.submit({ ...m, to: [...m.to, { address: 'toinen@example.net' }] }, { token })).rejects.toMatchObject({ code: 'SEND_NOT_APPROVED' });
    await expect(g.submit({ ...m, text: `${m.text} Lisäys.` }, { token })).rejects.toMatchObject({ code: 'SEND_NOT_APPROVED' });
    await expect(
      g.submit({ ...m, attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: Buffer.from('x') }] }, { token }),
    ).rejects.toMatchObject({ code: 'SEND_NOT_APPROVED' });
    const other = await g.evaluate(message({ messageId: 'm2@kunta.example', text: 'Hei' }));
    await expect(g.submit(m, { token: other.token })).rejects.toMatchObject({ code: 'SEND_NOT_APPROVED' });
    await expect(g.submit(m, { token: 'not-a-token' })).rejects.toMatchObject({ code: 'SEND_NOT_APPROVED' });
    expect(sent).toEqual([]);
  });

  it('spends an approval on the send it allowed: a replay or a double click sends nothing more', async () => {
    const { gate: g, sent } = gate(managedWithGateway);
    const m = message();
    const { token } = await g.evaluate(m);
    const [first, second] = await Promise.allSettled([g.submit(m, { token }), g.submit(m, { token })]);
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    await expect(g.submit(m, { token })).rejects.toMatchObject({ code: 'SEND_NOT_APPROVED' });
    expect(sent).toHaveLength(1);
  });

  it('keeps an approval whose send never reached the transport', async () => {
    let fail = true;
    const { gate: g, sent } = gate(managedWithGateway, {
      recipientKey: async () => partner.toPublic(),
      identityKeys: async () =>
        fail
          ? { signWith: null, signing: 'locked', encryptToSelf: [sender.toPublic()] }
          : { signWith: sender, signing: 'ready', encryptToSelf: [sender.toPublic()] },
    });
    const m = message({ to: [{ address: 'kumppani@kela.example' }] });
    const { token } = await g.evaluate(m);
    await expect(g.submit(m, { token })).rejects.toMatchObject({ code: 'KEY_LOCKED' });
    fail = false;
    await g.submit(m, { token });
    expect(sent.map((e) => e.route)).toEqual(['openpgp']);
  });

  it('refuses a blocked message even with its own valid token, and a justify route without a reason', async () => {
    const blocked = gate({ version: 1 });
    const m = message();
    const evaluated = await blocked.gate.evaluate(m);
    expect(evaluated.decision.route).toBe('blocked');
    await expect(blocked.gate.submit(m, { token: evaluated.token })).rejects.toMatchObject({ code: 'SEND_BLOCKED' });
    expect(blocked.sent).toEqual([]);

    const justify = gate({ version: 1, actions: { notSensitive: { external: 'justify' } } });
    const plain = message({ text: 'Aukioloajat muuttuvat.' });
    const approved = await justify.gate.evaluate(plain);
    expect(approved.decision).toMatchObject({ route: 'plain', justificationRequired: true });
    await expect(justify.gate.submit(plain, { token: approved.token, justification: 'liian lyhyt' })).rejects.toMatchObject({ code: 'JUSTIFICATION_REQUIRED' });
    await justify.gate.submit(plain, { token: approved.token, justification: 'Asiakas pyysi tiedon tavallisena sähköpostina.' });
    expect(justify.sent.map((e) => e.route)).toEqual(['plain']);
    expect(justify.events[0]).toMatchObject({ type: 'message.sent', justification: 'Asiakas pyysi tiedon tavallisena sähköpostina.' });
  });

  it('refuses everything while the managed policy is invalid', async () => {
    const broken = gate({ version: 1, gateway: { enabld: true } });
    await expect(broken.gate.evaluate(message({ text: 'Hei' }))).rejects.toMatchObject({ code: 'POLICY_INVALID' });
    expect(broken.sent).toEqual([]);
  });
});

describe('SendGate gateway methods', () => {
  it('tags the subject or adds the header the policy names, leaving the addresses alone', async () => {
    for (const [gatewayPolicy, check] of [
      [{ method: 'subject-tag', subjectTag: '[turva]' }, (raw: string) => expect(raw).toMatch(/^Subject: \[turva\] Asiasi\r$/m)],
      [{ method: 'header', header: { name: 'X-Secure-Mail', value: 'yes' } }, (raw: string) => expect(raw).toMatch(/^X-Secure-Mail: yes\r$/m)],
    ] as const) {
      const { gate: g, sent } = gate({ ...managedWithGateway, gateway: { ...managedWithGateway.gateway, ...gatewayPolicy } });
      const m = message();
      await g.submit(m, { token: (await g.evaluate(m)).token });
      expect(sent.map((e) => [e.route, e.to])).toEqual([['gateway', ['asiakas@example.net']]]);
      check(sent[0]!.raw.toString());
    }
  });

  it('refuses a gateway message without the mobile number when the policy requires one', async () => {
    const { gate: g, sent } = gate({ ...managedWithGateway, gateway: { ...managedWithGateway.gateway, mobileNumber: 'required' } });
    const m = message();
    const { token } = await g.evaluate(m);
    await expect(g.submit(m, { token })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(g.submit(m, { token, mobileNumber: 'soita minulle' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await g.submit(m, { token, mobileNumber: '040 123 4567' });
    expect(sent).toHaveLength(1);
  });
});
