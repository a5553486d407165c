/**
 * IT's managed configuration as the main process applies it, read again whenever main says it
 * changed (the `managed-config-changed` event), so what the person sees follows IT while the app
 * runs. Null until the first answer.
 */
import { useEffect, useState } from 'react';
import type { ManagedConfigView } from '../../shared/managed-config-schema.js';
import type { SinettiApi } from '../../shared/contract.js';
import { useApi } from '../api/api-context.js';

export function useManagedConfig(): ManagedConfigView | null {
  const api = useApi();
  const [view, setView] = useState<ManagedConfigView | null>(null);
  useEffect(() => {
    let cancelled = false;
    // Test doubles of the API may not offer the channel: then nothing is managed.
    const load = async () =>
      typeof api['config:managed:get'] === 'function' &&
      api['config:managed:get']({}).then((result) => {
        if (!cancelled && result.ok) setView(result.value);
      });
    void load();
    const unsubscribe = onManagedConfigChange(api, () => {
      void load();
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [api]);
  return view;
}

/** One setting: its value, and whether the organisation enforces it (the UI then offers no change). */
export function useManagedSetting(view: ManagedConfigView | null, key: string): { value: unknown; locked: boolean } | null {
  const setting = view?.settings[key];
  return setting ? { value: setting.value, locked: setting.locked } : null;
}

/** Calls back when main says the managed configuration changed (an API without the event channel, as some test doubles, never does). */
export function onManagedConfigChange(api: SinettiApi, listener: () => void): () => void {
  if (typeof api.onMailEvent !== 'function') return () => undefined;
  return api.onMailEvent((event) => {
    if (event.type === 'managed-config-changed') listener();
  });
}
