/**
 * Correspondents' public keys: the keyring with each key's state and actions, import from a file
 * or pasted text, and lookup by address. Only public facts reach this view; keys found by a
 * lookup stay in the main process until the person imports one by its candidate id.
 */
import { Button, Field, Spinner, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { CorrespondentKeyView } from '../../shared/keyring-schema.js';
import type { AppError, Result } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { ErrorBar, NoticeBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';
import { CorrespondentKeyItem } from './CorrespondentKeyItem.js';
import { KeyLookupForm } from './KeyLookupForm.js';

const useStyles = makeStyles({
  list: { listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  form: { display: 'grid', gap: tokens.spacingVerticalS },
  section: { marginTop: tokens.spacingVerticalL },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
});

/** A chosen key file as the contract takes it: armored text as is, binary packets as base64. */
async function readKeyFile(file: File): Promise<{ armored: string } | { binaryBase64: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('-----BEGIN PGP')) return { armored: new TextDecoder().decode(bytes) };
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { binaryBase64: btoa(binary) };
}

export function CorrespondentsPanel() {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [keys, setKeys] = useState<CorrespondentKeyView[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [armored, setArmored] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  // State is set when the answer arrives (in then), never synchronously in the effect that loads.
  const load = useCallback(
    () =>
      api['crypto:contacts:list']({}).then((result) => {
        if (result.ok) setKeys(result.value);
        else setError(result.error);
      }),
    [api],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (action: () => Promise<Result<unknown>>, done: string | ((value: unknown) => string)) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await action();
      if (!result.ok) return setError(result.error);
      setNotice(typeof done === 'string' ? done : done(result.value));
      await load();
    } finally {
      setBusy(false);
    }
  };

  const imported = (value: unknown) => {
    const keys = value as CorrespondentKeyView[];
    return keys.some((k) => k.state === 'undecided') ? t('contacts.importedUndecided') : t('contacts.importedNotice', { count: keys.length });
  };

  const importPasted = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await api['crypto:contacts:import']({ armored });
      if (result.ok) setArmored('');
      return result;
    }, imported);
  };

  return (
    <div data-testid="contacts-panel">
      <p>{t('contacts.intro')}</p>
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      {notice ? <NoticeBar text={notice} onDismiss={() => setNotice(null)} /> : null}
      {keys === null ? (
        <Spinner size="small" label={t('app.loading')} />
      ) : keys.length === 0 ? (
        <p data-testid="contacts-none">{t('contacts.none')}</p>
      ) : (
        <ul className={styles.list} aria-label={t('contacts.listLabel')}>
          {keys.map((key) => (
            <CorrespondentKeyItem key={key.fingerprint} keyInfo={key} busy={busy} run={run} />
          ))}
        </ul>
      )}

      <section className={styles.section} aria-labelledby="contacts-import-title">
        <h3 id="contacts-import-title">{t('contacts.importTitle')}</h3>
        <div className={styles.row}>
          <input
            ref={fileInput}
            type="file"
            accept=".asc,.gpg,.pgp,.key,application/pgp-keys"
            hidden
            data-testid="contacts-file-input"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = '';
              if (file) void run(async () => api['crypto:contacts:import'](await readKeyFile(file)), imported);
            }}
          />
          <Button disabled={busy} onClick={() => fileInput.current?.click()} data-testid="contacts-import-file">
            {t('contacts.importFile')}
          </Button>
        </div>
        <form className={styles.form} onSubmit={importPasted}>
          <Field label={t('contacts.importLabel')}>
            <Textarea
              value={armored}
              onChange={(_e, d) => setArmored(d.value)}
              resize="vertical"
              rows={4}
              spellCheck={false}
              data-testid="contacts-import-text"
            />
          </Field>
          <div>
            <Button type="submit" disabled={busy || !armored.trim()} data-testid="contacts-import">
              {t('contacts.import')}
            </Button>
          </div>
        </form>
      </section>

      <KeyLookupForm busy={busy} run={run} />
    </div>
  );
}
