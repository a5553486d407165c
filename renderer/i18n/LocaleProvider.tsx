import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { IntlProvider } from 'react-intl';
import type { Locale } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { catalogs, DEFAULT_LOCALE } from './catalogs.js';
import { onManagedConfigChange } from '../managed/use-managed-config.js';

interface LocaleState {
  locale: Locale;
  setLocale(locale: Locale): Promise<AppError | null>;
}

const LocaleContext = createContext<LocaleState | null>(null);

export function LocaleProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [locale, setLocaleState] = useState<Locale>(DEFAULT_LOCALE);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api['settings:ui:get']({}).then((result) => {
        if (!cancelled && result.ok) setLocaleState(result.value.locale);
      });
    void load();
    // IT may enforce a language (or let go of it) while the app runs.
    const unsubscribe = onManagedConfigChange(api, () => {
      void load();
    });
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [api]);

  useEffect(() => {
    // Screen readers pick their voice from <html lang>.
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback(
    async (next: Locale) => {
      // Switch at once; the stored setting follows.
      setLocaleState(next);
      const result = await api['settings:locale:set']({ locale: next });
      return result.ok ? null : result.error;
    },
    [api],
  );

  const value = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  return (
    <LocaleContext.Provider value={value}>
      <IntlProvider locale={locale} defaultLocale={DEFAULT_LOCALE} messages={catalogs[locale]}>
        {children}
      </IntlProvider>
    </LocaleContext.Provider>
  );
}

export function useLocale(): LocaleState {
  const state = useContext(LocaleContext);
  if (!state) throw new Error('useLocale outside LocaleProvider');
  return state;
}
