/**
 * Look a correspondent's key up by address (WKD, then the keyserver where the policy allows).
 * The answer lists candidates with their fingerprints; nothing is imported until the person
 * chooses one, and then only by its candidate id — the key itself never passes through here.
 */
import { Badge, Button, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import type { CorrespondentKeyView, LookupResultView } from '../../shared/keyring-schema.js';
import type { AppError, Result } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { ErrorBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  section: { marginTop: tokens.spacingVerticalL },
  form: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end', flexWrap: 'wrap' },
  list: { listStyle: 'none', padding: 0, margin: `${tokens.spacingVerticalS} 0`, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  candidate: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalS,
  },
  fingerprint: { fontFamily: tokens.fontFamilyMonospace, letterSpacing: '0.05em', display: 'block' },
});

interface Props {
  busy: boolean;
  run: (action: () => Promise<Result<unknown>>, done: string | ((value: unknown) => string)) => Promise<void>;
}

export function KeyLookupForm({ busy, run }: Props) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [address, setAddress] = useState('');
  const [result, setResult] = useState<LookupResultView | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [searching, setSearching] = useState(false);

  const lookup = async (event: FormEvent) => {
    event.preventDefault();
    setSearching(true);
    setError(null);
    setResult(null);
    try {
      const answer = await api['crypto:contacts:lookup']({ address: address.trim() });
      if (answer.ok) setResult(answer.value);
      else setError(answer.error);
    } finally {
      setSearching(false);
    }
  };

  const importCandidate = (candidateId: string) =>
    void run(
      async () => {
        const answer = await api['crypto:contacts:import']({ candidateId });
        if (answer.ok) setResult((r) => (r ? { ...r, candidates: r.candidates.filter((c) => c.candidateId !== candidateId) } : r));
        return answer;
      },
      (value) =>
        (value as CorrespondentKeyView[]).some((k) => k.state === 'undecided')
          ? t('contacts.importedUndecided')
          : t('contacts.importedNotice', { count: (value as unknown[]).length }),
    );

  return (
    <section className={styles.section} aria-labelledby="contacts-lookup-title">
      <h3 id="contacts-lookup-title">{t('contacts.lookupTitle')}</h3>
      <p>{t('contacts.lookupHint')}</p>
      <form className={styles.form} onSubmit={(e) => void lookup(e)}>
        <Field label={t('contacts.lookupAddress')}>
          <Input type="email" value={address} onChange={(_e, d) => setAddress(d.value)} data-testid="contacts-lookup-address" />
        </Field>
        <Button type="submit" disabled={busy || searching || !address.trim()} data-testid="contacts-lookup">
          {t('contacts.lookup')}
        </Button>
      </form>
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      {result ? (
        <div data-testid="contacts-lookup-result" aria-live="polite">
          <p>
            {t('contacts.lookupTried')}:{' '}
            {result.tried
              .map((o) => `${t(`contacts.lookupMethod.${o.method}`)} – ${t(`contacts.lookupOutcome.${o.outcome}`)}${o.detail ? ` (${o.detail})` : ''}`)
              .join('; ')}
          </p>
          {result.candidates.length === 0 ? (
            <p>{t('contacts.lookupNone')}</p>
          ) : (
            <ul className={styles.list} aria-label={t('contacts.candidatesLabel')}>
              {result.candidates.map((c) => (
                <li key={c.candidateId} className={styles.candidate} data-testid="lookup-candidate" data-fingerprint={c.fingerprint}>
                  <strong>{c.userIds.join(', ')}</strong> <Badge appearance="tint">{t(`contacts.source.${c.source}`)}</Badge>
                  <span className={styles.fingerprint}>{c.fingerprintGrouped}</span>
                  {c.conflictsWith.length ? <p>{t('contacts.conflict', { fingerprints: c.conflictsWith.map((f) => f.slice(-16)).join(', ') })}</p> : null}
                  {c.alreadyKnown ? (
                    <p>{t('contacts.alreadyKnown')}</p>
                  ) : (
                    <Button size="small" disabled={busy} onClick={() => importCandidate(c.candidateId)} data-testid="lookup-candidate-import">
                      {t('contacts.candidateImport')}
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
    </section>
  );
}
