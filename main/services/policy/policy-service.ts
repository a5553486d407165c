/**
 * The one owner of the effective secure-send policy in the running app: the `policy` section of
 * the managed configuration IT installed (followed while the app runs: it rebuilds whenever the
 * managed-configuration service reports a change), the person's preferences from the settings, and
 * the detectors built from both. An invalid managed policy is not worked around: every
 * evaluation fails with POLICY_INVALID naming the problems, so nothing can be sent until IT fixes
 * it. The send gate and the composer's hints both evaluate through here.
 */
import { ServiceError } from '../../../shared/result.js';
import { policyLayerSchema, describeIssues, type PolicyLayer } from '../../../shared/policy-schema.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { decide, type Decision, type DraftForDecision } from './decide.js';
import { loadBuiltinVocabulary, textDetectors, type VocabularyFile } from './detectors/builtin-vocabulary.js';
import type { TextDetectors } from './detectors/scan-text.js';
import { loadManagedPolicy, type ManagedPolicyState } from './managed-policy.js';
import { resolvePolicy, type EffectivePolicy } from './policy-layers.js';

/**
 * The `policy` section of IT's managed configuration (managed-config/managed-config-service.ts
 * implements it; named here so policy/ does not depend on managed-config/, which reads files
 * through policy's protection checks).
 */
export interface ManagedPolicySection {
  policy():
    | { status: 'none' }
    | { status: 'absent' }
    | { status: 'ok'; layer: Omit<PolicyLayer, 'version' | '$schema'> | undefined }
    | { status: 'invalid'; problems: string[] };
  /** Where it was read, for the settings view. */
  locations(): string[];
  reload(): unknown;
  subscribe(listener: () => void): () => void;
}

export interface PolicyServiceOptions {
  /**
   * Where the machine-wide policy lives; null when the host has none (tests of the default);
   * `{ problem }` when the operating system could not say where it is (sending stops, as for an
   * invalid file: the policy IT installed must not be skipped because it could not be found).
   */
  managedPolicyPath?: string | null | { problem: string };
  /**
   * The managed configuration whose `policy` section is IT's layer (the product). When given,
   * managedPolicyPath is not used; a change of the configuration rebuilds the policy at once.
   */
  managedConfig?: ManagedPolicySection;
  /** Refuse a managed policy file that ordinary users could edit (on in installed apps). */
  requireProtectedFile?: boolean;
  settings: SettingsStore;
}

export interface PolicyState {
  managed: ManagedPolicyState | { status: 'none' };
  effective: EffectivePolicy | null;
  preferences: PolicyLayer;
}

export class PolicyService {
  private readonly vocabulary: VocabularyFile = loadBuiltinVocabulary();
  private managed: PolicyState['managed'] = { status: 'none' };
  private cached: { effective: EffectivePolicy; detectors: TextDetectors } | null = null;

  constructor(private readonly options: PolicyServiceOptions) {
    this.rebuild();
    options.managedConfig?.subscribe(() => this.rebuild());
  }

  /** Re-reads IT's policy (IT may have replaced it) and rebuilds the effective policy. */
  reload(): PolicyState {
    // A change reported by the configuration rebuilds through the subscription; rebuild anyway for the preferences.
    this.options.managedConfig?.reload();
    return this.rebuild();
  }

  private managedFromConfig(config: ManagedPolicySection): PolicyState['managed'] {
    const where = config.locations().join(', ') || '(unknown)';
    const section = config.policy();
    if (section.status === 'none') return { status: 'none' };
    if (section.status === 'absent') return { status: 'absent', path: where };
    if (section.status === 'invalid') return { status: 'invalid', path: where, problems: section.problems };
    return { status: 'ok', path: where, layer: { version: 1, ...section.layer } as PolicyLayer };
  }

  private rebuild(): PolicyState {
    const location = this.options.managedPolicyPath ?? null;
    if (this.options.managedConfig) this.managed = this.managedFromConfig(this.options.managedConfig);
    else if (location === null) this.managed = { status: 'none' };
    else if (typeof location === 'object') this.managed = { status: 'invalid', path: '(unknown)', problems: [location.problem] };
    else this.managed = loadManagedPolicy(location, { requireProtectedFile: this.options.requireProtectedFile });
    this.cached = null;
    if (this.managed.status !== 'invalid') {
      const effective = resolvePolicy({
        managed: this.managed.status === 'ok' ? this.managed.layer : null,
        user: this.options.settings.get().policyPreferences,
      });
      this.cached = { effective, detectors: textDetectors(this.vocabulary, effective.policy.vocabularies.add) };
    }
    return this.state();
  }

  state(): PolicyState {
    return { managed: this.managed, effective: this.cached?.effective ?? null, preferences: this.options.settings.get().policyPreferences };
  }

  /** The person's preferences; looser values are kept but reported as ignored, never applied. */
  setPreferences(layer: unknown): PolicyState {
    const parsed = policyLayerSchema.safeParse(layer);
    if (!parsed.success) throw new ServiceError('VALIDATION', describeIssues(parsed.error).join('; '));
    this.options.settings.setPolicyPreferences(parsed.data as PolicyLayer);
    return this.rebuild();
  }

  async evaluate(draft: DraftForDecision, hasAcceptedKey: (address: string) => Promise<boolean>): Promise<Decision> {
    const current = this.require();
    return decide(draft, { policy: current.effective.policy, detectors: current.detectors, hasAcceptedKey });
  }

  private require(): { effective: EffectivePolicy; detectors: TextDetectors } {
    if (this.managed.status === 'invalid') {
      throw new ServiceError(
        'POLICY_INVALID',
        `The organisation's policy (${this.managed.path}) is invalid, so nothing can be sent until IT fixes it: ${this.managed.problems.join('; ')}`,
      );
    }
    return this.cached!;
  }
}
