/**
 * What the person sees while the app is locked: why it locked and how to unlock — nothing else.
 * A modal alert dialog (it cannot be dismissed), marked `data-sinetti-lock-screen` so styles.css
 * keeps only its portal visible while <body> carries `data-sinetti-locked`.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input } from '@fluentui/react-components';
import { LockClosedRegular } from '@fluentui/react-icons';
import { useState, type FormEvent } from 'react';
import type { AppError } from '../../shared/result.js';
import type { SessionLockState } from '../../shared/session-lock-schema.js';
import { describeError } from '../i18n/error-text.js';
import { useT } from '../i18n/use-t.js';
import { Bar } from './ErrorBar.js';

interface Props {
  state: SessionLockState;
  onUnlock: (passphrase?: string) => Promise<AppError | null>;
}

export function LockScreen({ state, onUnlock }: Props) {
  const t = useT();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const needsPassphrase = state.unlockMethod === 'passphrase';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    void onUnlock(needsPassphrase ? passphrase : undefined).then((failure) => {
      setBusy(false);
      setError(failure);
      // The passphrase is not kept in the page longer than the attempt.
      setPassphrase('');
    });
  };

  return (
    <Dialog open modalType="alert">
      <DialogSurface data-sinetti-lock-screen="" data-testid="lock-screen" data-reason={state.reason ?? ''}>
        <form onSubmit={submit} autoComplete="off">
          <DialogBody>
            <DialogTitle>
              <LockClosedRegular aria-hidden="true" /> {t('lock.title')}
            </DialogTitle>
            <DialogContent>
              <p>{t(state.reason === 'os-lock' ? 'lock.reason.os-lock' : state.reason === 'person' ? 'lock.reason.person' : 'lock.reason.idle')}</p>
              <p>{t('lock.keepsDrafts')}</p>
              {needsPassphrase ? (
                <Field label={t('lock.passphrase')}>
                  <Input type="password" value={passphrase} onChange={(_, data) => setPassphrase(data.value)} data-testid="lock-passphrase" />
                </Field>
              ) : (
                <p>{t('lock.keychainHint')}</p>
              )}
              {error ? (
                <Bar intent="error" title={t('error.title')} data-testid="lock-error" data-code={error.code}>
                  {describeError(t, error).text}
                </Bar>
              ) : null}
            </DialogContent>
            <DialogActions>
              <Button type="submit" appearance="primary" disabled={busy || (needsPassphrase && passphrase === '')} data-testid="lock-unlock">
                {busy ? t('lock.unlocking') : t('lock.unlock')}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
