/**
 * What the renderer may see of the policy: everything the dialog explains, but never a secret.
 * The audit trail's pseudonym key (an HMAC key that would let anyone holding the trail test
 * identity codes against it) stays in the main process; the renderer learns only that it is set.
 */
import type { PolicyStateView } from '../../../shared/policy-schema.js';

export const REDACTED = '(set by your organisation)';

export function policyStateForRenderer(state: PolicyStateView): PolicyStateView {
  const hide = <T extends { audit?: { pseudonymKey?: string } }>(layer: T): T =>
    layer.audit?.pseudonymKey ? { ...layer, audit: { ...layer.audit, pseudonymKey: REDACTED } } : layer;
  return {
    ...state,
    managed: state.managed.status === 'ok' ? { ...state.managed, layer: hide(state.managed.layer) } : state.managed,
    effective: state.effective ? { ...state.effective, policy: hide(state.effective.policy) } : null,
    preferences: hide(state.preferences),
  };
}
