/**
 * IT's managed configuration as the main process applies it, read again whenever main says it
 * changed (the `managed-config-changed` event), so what the person sees follows IT while the app
 * runs. Null until the first answer.
 */
import { useEffect, useState } from 'react';
import type { ManagedConfigView } from '../../shared/managed-config-schema.js';
import { useApi } from '../api/api-context.js';

export function useManagedConfig(): ManagedConfigView | null {
  const api = useApi();
  const [view, setView] = useState<ManagedConfigView | null>(null);
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api['config:managed:get']({}).then((result) => {
        if (!cancelled && result.ok) setView(result.value);
      });
    void load();
    const unsubscribe = api.onMailEvent((event) => {
      if (event.type === 'managed-config-changed') void load();
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
