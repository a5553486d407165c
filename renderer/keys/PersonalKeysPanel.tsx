/**
 * The person's own OpenPGP keys: list with fingerprints to read aloud, create, import, export
 * the public key. Only public facts reach this view; key material stays in the main process.
 */
import { Button, Field, Input, Select, Spinner, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { KeySummaryView } from '../../shared/domain.js';
import type { AppError, Result } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { ErrorBar, NoticeBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';
import { PersonalKeyItem } from './PersonalKeyItem.js';

const useStyles = makeStyles({
  list: { listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  form: { display: 'grid', gap: tokens.spacingVerticalS },
  section: { marginTop: tokens.spacingVerticalL },
});

type Algorithm = 'curve25519' | 'rsa3072' | 'rsa4096';

export function PersonalKeysPanel() {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [keys, setKeys] = useState<KeySummaryView[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState({ name: '', email: '', algorithm: 'curve25519' as Algorithm, passphrase: '' });
  const [armored, setArmored] = useState('');
  // The organisation may require a passphrase (main refuses a key without one either way).
  const [passphraseRequired, setPassphraseRequired] = useState(false);

  // State is set when the answer arrives (in then), never synchronously in the effect that loads.
  const load = useCallback(
    () =>
      api['crypto:keys:list']({}).then((result) => {
        if (result.ok) setKeys(result.value);
        else setError(result.error);
      }),
    [api],
  );

  useEffect(() => {
    void load();
    void api['policy:state:get']({}).then((result) => {
      if (result.ok) setPassphraseRequired(result.value.effective?.policy.crypto.passphraseRequired ?? true);
    });
  }, [api, load]);

  const run = async (action: () => Promise<Result<unknown>>, done: string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await action();
      if (!result.ok) return setError(result.error);
      setNotice(done);
      await load();
    } finally {
      setBusy(false);
    }
  };

  const generate = (event: FormEvent) => {
    event.preventDefault();
    void run(
      () =>
        api['crypto:keys:generate']({
          name: draft.name.trim(),
          email: draft.email.trim(),
          algorithm: draft.algorithm,
          ...(draft.passphrase ? { passphrase: draft.passphrase } : {}),
        }),
      t('keys.generated'),
    );
  };

  const importKey = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await api['crypto:keys:import']({ armored });
      if (result.ok) setArmored('');
      return result;
    }, t('keys.imported'));
  };

  return (
    <div data-testid="personal-keys-panel">
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      {notice ? <NoticeBar text={notice} onDismiss={() => setNotice(null)} /> : null}
      {keys === null ? (
        <Spinner size="small" label={t('app.loading')} />
      ) : keys.length === 0 ? (
        <p>{t('keys.none')}</p>
      ) : (
        <ul className={styles.list} aria-label={t('keys.listLabel')}>
          {keys.map((key) => (
            <PersonalKeyItem key={key.fingerprint} keyInfo={key} busy={busy} run={run} onError={setError} />
          ))}
        </ul>
      )}

      <section className={styles.section} aria-labelledby="keys-generate-title">
        <h3 id="keys-generate-title">{t('keys.generateTitle')}</h3>
        <form className={styles.form} onSubmit={generate} data-testid="key-generate-form">
          <Field label={t('keys.name')} required>
            <Input value={draft.name} onChange={(_e, d) => setDraft({ ...draft, name: d.value })} />
          </Field>
          <Field label={t('keys.email')} required>
            <Input type="email" value={draft.email} onChange={(_e, d) => setDraft({ ...draft, email: d.value })} />
          </Field>
          <Field label={t('keys.algorithmChoice')}>
            <Select value={draft.algorithm} onChange={(_e, d) => setDraft({ ...draft, algorithm: d.value as Algorithm })}>
              <option value="curve25519">{t('keys.algorithm.curve25519')}</option>
              <option value="rsa3072">RSA 3072</option>
              <option value="rsa4096">RSA 4096</option>
            </Select>
          </Field>
          <Field label={t(passphraseRequired ? 'keys.passphraseRequired' : 'keys.passphrase')} hint={t('keys.passphraseHint')}>
            <Input type="password" value={draft.passphrase} onChange={(_e, d) => setDraft({ ...draft, passphrase: d.value })} autoComplete="new-password" />
          </Field>
          <div>
            <Button type="submit" appearance="primary" disabled={busy} data-testid="key-generate">
              {t('keys.generate')}
            </Button>
            {busy ? <Spinner size="tiny" label={t('keys.working')} /> : null}
          </div>
        </form>
      </section>

      <section className={styles.section} aria-labelledby="keys-import-title">
        <h3 id="keys-import-title">{t('keys.importTitle')}</h3>
        <form className={styles.form} onSubmit={importKey}>
          <Field label={t('keys.importLabel')}>
            <Textarea value={armored} onChange={(_e, d) => setArmored(d.value)} resize="vertical" rows={4} spellCheck={false} />
          </Field>
          <div>
            <Button type="submit" disabled={busy || !armored.trim()} data-testid="key-import">
              {t('keys.import')}
            </Button>
          </div>
        </form>
      </section>
    </div>
  );
}
