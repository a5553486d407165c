import { createContext, useContext, type ReactNode } from 'react';
import type { SinettiApi } from '../../shared/contract.js';

const ApiContext = createContext<SinettiApi | null>(null);

export function ApiProvider({ api, children }: { api: SinettiApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): SinettiApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
