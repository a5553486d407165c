/**
 * The domains the person deals with, for the look-alike check: the effective policy's internal
 * and partner domains and the domains of their own accounts' addresses. Loaded once per mount;
 * until it arrives (or if it cannot be read) the check still runs, with no known domains.
 */
import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.js';

export function useKnownDomains(): string[] {
  const api = useApi();
  const [known, setKnown] = useState<string[]>([]);
  useEffect(() => {
    let current = true;
    const domainOf = (address: string | undefined) => (address && address.includes('@') ? [address.slice(address.lastIndexOf('@') + 1).toLowerCase()] : []);
    void Promise.all([
      Promise.resolve()
        .then(() => api['policy:state:get']({}))
        .catch(() => null),
      Promise.resolve()
        .then(() => api['accounts:list']({}))
        .catch(() => null),
    ]).then(([policy, accounts]) => {
      if (!current) return;
      const domains = new Set<string>();
      if (policy?.ok && policy.value.effective)
        for (const d of [...policy.value.effective.policy.domains.internal, ...policy.value.effective.policy.domains.partner]) domains.add(d);
      if (accounts?.ok) for (const a of accounts.value) for (const d of [...domainOf(a.address), ...domainOf(a.username)]) domains.add(d);
      setKnown([...domains]);
    });
    return () => {
      current = false;
    };
  }, [api]);
  return known;
}
