/**
 * Finding a correspondent's key by address: Web Key Directory (advanced method, then the direct
 * method when the openpgpkey subdomain does not exist) and a VKS keyserver (keys.openpgp.org
 * protocol), each only when the effective policy allows it. A lookup only returns candidates:
 * the keys stay here in main under a random id, and come into the keyring (as `unverified`)
 * only when the person imports one. The keyserver is asked only when WKD found nothing, since
 * it tells a third party whom the person writes to.
 */
import { randomUUID } from 'node:crypto';
import type { Key } from 'openpgp';
import type { CorrespondentKeyView, LookupCandidateView, LookupResultView } from '../../../shared/keyring-schema.js';
import { ServiceError } from '../../../shared/result.js';
import type { CorrespondentKeyring } from './correspondent-keyring.js';
import { fetchKeyData, type KeyFetchOptions } from './https-key-fetch.js';
import { assertUsable } from './key-service.js';
import { addressesOf, parsePublicKeys } from './public-key-parsing.js';
import { wkdUrls } from './wkd.js';

export interface KeyLookupSettings {
  wkd: boolean;
  /** The VKS keyserver's https base URL, or false: no keyserver. */
  keyserver: string | false;
}

export interface KeyLookupDeps {
  keyring: CorrespondentKeyring;
  /** The effective policy's settings; null while the managed policy is invalid (nothing is looked up). */
  settings: () => KeyLookupSettings | null;
  fetch?: KeyFetchOptions;
  now?: () => number;
}

const CANDIDATE_TTL_MS = 15 * 60_000;
const MAX_CANDIDATES = 50;
const KEYS_PER_ANSWER = 10;

type Method = 'wkd' | 'vks';
type Outcome = LookupResultView['tried'][number];

export class KeyLookupService {
  private readonly candidates = new Map<string, { key: Key; source: Method; until: number }>();
  private readonly now: () => number;

  constructor(private readonly deps: KeyLookupDeps) {
    this.now = deps.now ?? Date.now;
  }

  async lookup(address: string): Promise<LookupResultView> {
    const settings = this.deps.settings();
    if (!settings) throw new ServiceError('POLICY_INVALID', 'The managed policy is invalid, so no key is looked up.');
    // The hash uses the lower-cased local part; the `l` parameter keeps it as the person wrote it.
    const given = address.trim();
    const wanted = given.toLowerCase();
    const tried: Outcome[] = [];
    const found: { key: Key; source: Method }[] = [];

    if (settings.wkd) {
      const outcome = await this.collect('wkd', () => this.fetchWkd(given), wanted, found);
      tried.push(outcome);
    } else tried.push({ method: 'wkd', outcome: 'disabled' });

    if (settings.keyserver === false) tried.push({ method: 'vks', outcome: 'disabled' });
    else if (found.length === 0) {
      const base = settings.keyserver.replace(/\/+$/, '');
      const url = new URL(`${base}/vks/v1/by-email/${encodeURIComponent(wanted)}`);
      tried.push(await this.collect('vks', () => fetchKeyData(url, 'application/pgp-keys', this.deps.fetch), wanted, found));
    }

    this.prune();
    const candidates: LookupCandidateView[] = [];
    for (const { key, source } of found) {
      const candidateId = randomUUID();
      this.candidates.set(candidateId, { key, source, until: this.now() + CANDIDATE_TTL_MS });
      candidates.push({ ...(await this.deps.keyring.preview(key)), candidateId, source });
    }
    return { candidates, tried };
  }

  /** The person chose this candidate: into the keyring (unverified, or undecided next to another key for the address). */
  async importCandidate(candidateId: string): Promise<CorrespondentKeyView[]> {
    const candidate = this.candidates.get(candidateId);
    if (!candidate || candidate.until <= this.now())
      throw new ServiceError('NOT_FOUND', 'The lookup result is no longer available; look the address up again.');
    this.candidates.delete(candidateId);
    return this.deps.keyring.importKeys([candidate.key], candidate.source);
  }

  private async fetchWkd(address: string): Promise<Buffer | null> {
    const { advanced, direct } = wkdUrls(address);
    try {
      return await fetchKeyData(advanced, 'application/octet-stream', this.deps.fetch);
    } catch (error) {
      // The direct method only when the advanced method's subdomain does not exist.
      if (error instanceof ServiceError && error.code === 'DNS') return fetchKeyData(direct, 'application/octet-stream', this.deps.fetch);
      throw error;
    }
  }

  /** Runs one method and keeps the usable keys that carry the address (WKD and VKS answers are filtered, as the protocols require). */
  private async collect(method: Method, run: () => Promise<Buffer | null>, address: string, found: { key: Key; source: Method }[]): Promise<Outcome> {
    let body: Buffer | null;
    try {
      body = await run();
    } catch (error) {
      return { method, outcome: 'failed', detail: error instanceof ServiceError ? error.code : 'INTERNAL' };
    }
    if (!body || body.length === 0) return { method, outcome: 'none' };
    let keys: Key[];
    try {
      keys = await parsePublicKeys(body, KEYS_PER_ANSWER);
    } catch (error) {
      return { method, outcome: 'failed', detail: (error as Error).message };
    }
    const matching = keys.filter((key) => addressesOf(key).includes(address));
    if (matching.length === 0) return { method, outcome: 'none' };
    let refusal: string | null = null;
    let added = 0;
    for (const key of matching) {
      if (found.some((f) => f.key.getFingerprint() === key.getFingerprint())) continue;
      try {
        await assertUsable(key);
        found.push({ key: key.isPrivate() ? key.toPublic() : key, source: method });
        added++;
      } catch (error) {
        refusal = (error as Error).message;
      }
    }
    if (added) return { method, outcome: 'found' };
    return refusal ? { method, outcome: 'refused', detail: refusal } : { method, outcome: 'none' };
  }

  private prune(): void {
    const now = this.now();
    for (const [id, c] of this.candidates) if (c.until <= now) this.candidates.delete(id);
    while (this.candidates.size > MAX_CANDIDATES) this.candidates.delete(this.candidates.keys().next().value!);
  }
}
