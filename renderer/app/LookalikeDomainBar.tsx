/**
 * The look-alike (IDN homograph) warning for one address, in the app's own chrome: the composer
 * shows it under the recipient chips, the message view under the header for the sender. The rule
 * is shared/lookalike-domain.ts; this only says it in the person's language.
 */
import { makeStyles } from '@fluentui/react-components';
import { useIntl } from 'react-intl';
import { lookalikeAddress, type LookalikeDomain } from '../../shared/lookalike-domain.js';
import { useT } from '../i18n/use-t.js';
import { Bar } from './ErrorBar.js';

export function useLookalikeText(): (address: string, found: LookalikeDomain) => string {
  const t = useT();
  const intl = useIntl();
  return (address, found) => {
    if (found.reason === 'mixed-script') {
      let names: Intl.DisplayNames | null = null;
      try {
        names = new Intl.DisplayNames([intl.locale], { type: 'script' });
      } catch {
        // No display names in this runtime: the ISO 15924 codes are still exact.
      }
      return t('lookalike.mixedScript', { address, domain: found.domain, scripts: found.scripts.map((s) => names?.of(s) ?? s).join(', ') });
    }
    return t(found.reason === 'whole-script' ? 'lookalike.wholeScript' : 'lookalike.resemblesKnown', {
      address,
      domain: found.domain,
      resembles: found.resembles,
    });
  };
}

const useStyles = makeStyles({ line: { display: 'block' } });

export function LookalikeDomainBar({ addresses, known, testId }: { addresses: string[]; known: readonly string[]; testId: string }) {
  const t = useT();
  const styles = useStyles();
  const text = useLookalikeText();
  const found = addresses.flatMap((address) => {
    const lookalike = lookalikeAddress(address, known);
    return lookalike ? [{ address, lookalike }] : [];
  });
  if (!found.length) return null;
  return (
    <Bar intent="warning" title={t('lookalike.title')} data-testid={testId} data-addresses={found.map((f) => f.address).join(' ')}>
      {found.map((f) => (
        <span key={f.address} className={styles.line}>
          {text(f.address, f.lookalike)}
        </span>
      ))}
    </Bar>
  );
}
