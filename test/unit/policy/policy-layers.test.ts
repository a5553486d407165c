/**
 * Policy layers: the built-in default is safe, IT's managed policy sets anything, the person's
 * preferences only tighten, every value says where it came from, and a broken managed policy is
 * reported with the exact field — never replaced by something looser.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManagedPolicy, readPolicyLayer } from '../../../main/services/policy/managed-policy.js';
import { resolvePolicy } from '../../../main/services/policy/policy-layers.js';
import { BUILTIN_POLICY, type PolicyLayer } from '../../../shared/policy-schema.js';

const managed: PolicyLayer = {
  version: 1,
  organisation: { name: 'Esimerkin hyvinvointialue' },
  domains: { internal: ['hyvinvointialue.example', 'kunta.example'], partner: ['kela.example'] },
  actions: { sensitive: { internal: 'allow', external: 'gateway' } },
  gateway: { enabled: true },
};

describe('resolvePolicy', () => {
  it('starts from a safe default: every domain external, sensitive mail needs OpenPGP', () => {
    const { policy, sources } = resolvePolicy({});
    expect(policy).toEqual(BUILTIN_POLICY);
    expect(policy.domains.internal).toEqual([]);
    expect(policy.actions.sensitive).toEqual({ internal: 'encrypt', partner: 'encrypt', external: 'encrypt' });
    expect(sources['actions.sensitive.external']).toBe('builtin');
  });

  it('applies the managed policy and records that IT set those values', () => {
    const { policy, sources } = resolvePolicy({ managed });
    expect(policy.actions.sensitive).toEqual({ internal: 'allow', partner: 'encrypt', external: 'gateway' });
    expect(policy.gateway.enabled).toBe(true);
    expect(sources).toMatchObject({
      'actions.sensitive.internal': 'managed',
      'actions.sensitive.partner': 'builtin',
      'domains.internal': 'managed',
      'gateway.enabled': 'managed',
    });
  });

  it('lets preferences tighten and ignores every attempt to loosen, saying why', () => {
    const user: PolicyLayer = {
      version: 1,
      domains: { internal: ['kunta.example', 'gmail.com'], partner: [] },
      actions: { sensitive: { internal: 'encrypt', external: 'allow' } },
      detectors: { businessId: { enabled: true }, identityCode: { enabled: false, minConfidence: 'low' } },
      attachments: { notScanned: 'sensitive', maxSizeMb: 50 },
      gateway: { suffix: '.x', mobileNumber: 'required' },
      vocabularies: { add: [{ id: 'oma', terms: [{ id: 'hanke', fi: ['salahanke*'], sv: [], en: [], compound: false }] }] },
    };
    const { policy, sources, ignored } = resolvePolicy({ managed, user });
    expect(policy.actions.sensitive.internal).toBe('encrypt');
    expect(policy.actions.sensitive.external).toBe('gateway');
    // gmail.com becomes internal, where this person's sensitive mail is now encrypted (stricter
    // than the gateway it had as external); hyvinvointialue.example becomes external, where
    // sensitive mail goes by the gateway instead of plain: both stricter, so the list applies.
    expect(policy.domains.internal).toEqual(['kunta.example', 'gmail.com']);
    // kela.example would fall from partner (encrypt) to external (gateway): looser, ignored.
    expect(policy.domains.partner).toEqual(['kela.example']);
    expect(policy.detectors.businessId.enabled).toBe(true);
    expect(policy.detectors.identityCode).toEqual({ enabled: true, minConfidence: 'low' });
    expect(policy.attachments).toEqual({ notScanned: 'sensitive', maxSizeMb: 25 });
    expect(policy.gateway.suffix).toBe('.s');
    expect(policy.gateway.mobileNumber).toBe('required');
    expect(policy.vocabularies.add.map((c) => c.id)).toEqual(['oma']);
    expect(sources['actions.sensitive.internal']).toBe('user');
    expect(ignored).toEqual(
      expect.arrayContaining([
        { path: 'domains.partner', reason: 'looser' },
        { path: 'actions.sensitive.external', reason: 'looser' },
        { path: 'detectors.identityCode.enabled', reason: 'looser' },
        { path: 'attachments.maxSizeMb', reason: 'looser' },
        { path: 'gateway.suffix', reason: 'managed-only' },
      ]),
    );
    expect(ignored).toHaveLength(5);
  });
});

describe('managed policy file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sinetti-policy-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('names the exact field of a typo, a wrong value and broken JSON', () => {
    expect(readPolicyLayer(JSON.stringify({ version: 1, actions: { sensitive: { externall: 'allow' } } }))).toEqual({
      problems: ['actions.sensitive: unknown field "externall"'],
    });
    expect(readPolicyLayer(JSON.stringify({ version: 1, detectors: { identityCode: { minConfidence: 'very' } } }))).toEqual({
      problems: [expect.stringMatching(/^detectors\.identityCode\.minConfidence: .*"low"\|"medium"\|"high"/)],
    });
    expect(readPolicyLayer('{ "version": 1, ')).toEqual({ problems: [expect.stringMatching(/^not valid JSON/)] });
    expect(readPolicyLayer(JSON.stringify({ version: 2 }))).toEqual({ problems: [expect.stringMatching(/^version: /)] });
  });

  it('is absent, ok or invalid — and a file ordinary users could edit is invalid', () => {
    expect(loadManagedPolicy(join(dir, 'none.json'))).toMatchObject({ status: 'absent' });
    expect(loadManagedPolicy(write('ok.json', JSON.stringify(managed)))).toMatchObject({ status: 'ok', layer: { gateway: { enabled: true } } });
    expect(loadManagedPolicy(write('bad.json', '{"version":1,"domains":{"internal":["Kunta.FI"]}}'))).toMatchObject({
      status: 'invalid',
      problems: [expect.stringMatching(/^domains\.internal\.0: /)],
    });
    const open = write('open.json', JSON.stringify(managed));
    chmodSync(open, 0o666);
    expect(loadManagedPolicy(open, { requireProtectedFile: true })).toMatchObject({ status: 'invalid', problems: [expect.stringMatching(/ordinary users/)] });
  });
});

describe('published JSON Schema', () => {
  it('is the one generated from the code (run `npm run policy:schema` after changing the policy)', async () => {
    const { readFileSync } = await import('node:fs');
    const { policyJsonSchema } = await import('../../../main/services/policy/policy-json-schema.js');
    const published = JSON.parse(readFileSync(join(import.meta.dirname, '../../../resources/policy/sinetti-policy.schema.json'), 'utf8'));
    expect(published).toEqual(policyJsonSchema());
  });

  it('accepts the example managed policy shipped for IT', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readPolicyLayer(readFileSync(join(import.meta.dirname, '../../../resources/policy/example-managed-policy.json'), 'utf8'))).toHaveProperty('layer');
  });
});
