/**
 * Team keys: every team mailbox with the key generations the person holds; leads create, grant
 * and rotate; members import grants found in the team's keys folder or saved as a file. Lead
 * status is the server's (the administer right), trust in a lead is the person's (fingerprint
 * compared once). Only public facts reach this view.
 */
import { Button, Field, Spinner, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AppError, Result } from '../../shared/result.js';
import type { PendingGrant, TeamView } from '../../shared/team-key-schema.js';
import { useApi } from '../api/api-context.js';
import { ErrorBar, NoticeBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';
import { KeyFileInput } from './key-files.js';
import { PendingGrantItem } from './PendingGrantItem.js';
import { TeamKeyItem } from './TeamKeyItem.js';

const useStyles = makeStyles({
  list: { listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  form: { display: 'grid', gap: tokens.spacingVerticalS },
  section: { marginTop: tokens.spacingVerticalL },
  toolbar: { display: 'flex', justifyContent: 'flex-end', marginBottom: tokens.spacingVerticalS },
});

type Preview = Omit<PendingGrant, 'accountId' | 'uid'>;

export function TeamKeysPanel() {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [teams, setTeams] = useState<TeamView[] | null>(null);
  const [pending, setPending] = useState<PendingGrant[]>([]);
  const [error, setError] = useState<AppError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [grantText, setGrantText] = useState('');
  const [preview, setPreview] = useState<Preview | null>(null);

  // State is set when the answer arrives (in then), never synchronously in the effect that loads.
  const load = useCallback(
    () =>
      Promise.all([api['crypto:team:list']({}), api['crypto:team:grants:pending']({})]).then(([listed, waiting]) => {
        if (listed.ok) setTeams(listed.value);
        else setError(listed.error);
        if (waiting.ok) setPending(waiting.value);
        else setError(waiting.error);
      }),
    [api],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const run = useCallback(
    async <T,>(action: () => Promise<Result<T>>, done: (value: T) => string | null) => {
      setBusy(true);
      setError(null);
      setNotice(null);
      try {
        const result = await action();
        if (!result.ok) return setError(result.error);
        const text = done(result.value);
        if (text) setNotice(text);
        await load();
      } finally {
        setBusy(false);
      }
    },
    [load],
  );

  const check = (event: FormEvent) => {
    event.preventDefault();
    setPreview(null);
    void run(
      async () => {
        const result = await api['crypto:team:grants:preview']({ armored: grantText });
        if (result.ok) setPreview(result.value);
        return result;
      },
      // The checked grant itself is the answer: no notice.
      () => null,
    );
  };

  return (
    <div data-testid="team-keys-panel">
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      {notice ? <NoticeBar text={notice} onDismiss={() => setNotice(null)} /> : null}
      <div className={styles.toolbar}>
        <Button size="small" disabled={busy} onClick={() => void load()} data-testid="team-keys-refresh">
          {t('teamKeys.refresh')}
        </Button>
      </div>
      {teams === null ? (
        <Spinner size="small" label={t('app.loading')} />
      ) : teams.length === 0 ? (
        <p>{t('teamKeys.none')}</p>
      ) : (
        <ul className={styles.list} aria-label={t('teamKeys.listLabel')}>
          {teams.map((team) => (
            <TeamKeyItem
              key={`${team.accountId}:${team.team}`}
              team={team}
              pending={pending.filter((p) => p.accountId === team.accountId && p.team === team.team)}
              busy={busy}
              run={run}
              onError={setError}
            />
          ))}
        </ul>
      )}
      {busy ? <Spinner size="tiny" label={t('keys.working')} /> : null}

      <section className={styles.section} aria-labelledby="team-grant-file-title">
        <h3 id="team-grant-file-title">{t('teamKeys.fileTitle')}</h3>
        <form className={styles.form} onSubmit={check}>
          <Field label={t('teamKeys.fileLabel')}>
            <Textarea value={grantText} onChange={(_e, d) => setGrantText(d.value)} rows={4} resize="vertical" spellCheck={false} />
          </Field>
          <KeyFileInput label={t('teamKeys.fileChoose')} onText={setGrantText} testId="team-grant-file-input" />
          <div>
            <Button type="submit" disabled={busy || !grantText.trim()} data-testid="team-grant-preview">
              {t('teamKeys.preview')}
            </Button>
          </div>
        </form>
        {preview ? (
          <ul className={styles.list} data-testid="grant-preview">
            <PendingGrantItem
              grant={preview}
              busy={busy}
              onImport={(confirmLead) =>
                void run(
                  async () => {
                    const result = await api['crypto:team:grants:import']({
                      source: { kind: 'file', armored: grantText },
                      ...(confirmLead ? { confirmLead } : {}),
                    });
                    if (result.ok) {
                      setPreview(null);
                      setGrantText('');
                    }
                    return result;
                  },
                  (value) => t('teamKeys.imported', { team: preview.teamLabel, generation: value.generation }),
                )
              }
            />
          </ul>
        ) : null}
      </section>
    </div>
  );
}
