/**
 * The person's accounts: edit one (servers, sending address, SMTP), change its password (after
 * the server changed it: tried at the server before it is stored), or remove it — saying plainly
 * what removal does on this computer and what it leaves on the server.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import type { AccountSummary } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { ErrorBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';
import { AccountForm } from './AccountForm.js';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  item: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalM,
  },
  name: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  detail: { margin: 0, color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalS, flexWrap: 'wrap' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

type View = { kind: 'list' } | { kind: 'edit' | 'password' | 'remove'; account: AccountSummary };

interface Props {
  accounts: AccountSummary[];
  onClose: () => void;
  /** An account was edited, its password changed or it was removed: the app loads accounts again. */
  onChanged: (what: 'edited' | 'password' | 'removed') => void;
}

export function AccountsDialog({ accounts, onClose, onChanged }: Props) {
  const t = useT();
  const styles = useStyles();
  const [view, setView] = useState<View>({ kind: 'list' });
  const title =
    view.kind === 'list'
      ? t('accounts.title')
      : t(view.kind === 'edit' ? 'accounts.editTitle' : view.kind === 'password' ? 'accounts.passwordTitle' : 'accounts.removeTitle', {
          name: view.account.displayName,
        });
  return (
    <Dialog open onOpenChange={(_e, data) => (data.open ? undefined : onClose())} modalType="modal">
      <DialogSurface data-testid="accounts-dialog">
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            {view.kind === 'list' ? (
              <ul className={styles.list} aria-label={t('accounts.title')}>
                {accounts.map((account) => (
                  <li key={account.id} className={styles.item} data-testid="account-item">
                    <p className={styles.name}>{account.displayName}</p>
                    <p className={styles.detail}>
                      {account.address ?? account.username} · {account.host}
                    </p>
                    <div className={styles.actions}>
                      <Button data-testid="account-edit" onClick={() => setView({ kind: 'edit', account })}>
                        {t('accounts.edit')}
                      </Button>
                      {account.auth === 'password' ? (
                        <Button data-testid="account-password" onClick={() => setView({ kind: 'password', account })}>
                          {t('accounts.changePassword')}
                        </Button>
                      ) : null}
                      <Button data-testid="account-remove" onClick={() => setView({ kind: 'remove', account })}>
                        {t('accounts.remove')}
                      </Button>
                    </div>
                  </li>
                ))}
              </ul>
            ) : view.kind === 'edit' ? (
              <AccountForm heading={false} account={view.account} onCancel={() => setView({ kind: 'list' })} onSaved={() => onChanged('edited')} />
            ) : view.kind === 'password' ? (
              <PasswordForm account={view.account} onCancel={() => setView({ kind: 'list' })} onSaved={() => onChanged('password')} />
            ) : (
              <RemoveConfirm account={view.account} onCancel={() => setView({ kind: 'list' })} onRemoved={() => onChanged('removed')} />
            )}
          </DialogContent>
          {view.kind === 'list' ? (
            <DialogActions>
              <Button appearance="secondary" onClick={onClose}>
                {t('accounts.close')}
              </Button>
            </DialogActions>
          ) : null}
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function PasswordForm({ account, onCancel, onSaved }: { account: AccountSummary; onCancel: () => void; onSaved: () => void }) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password === '') return setMissing(true);
    setBusy(true);
    setError(null);
    void api['accounts:credentials:set']({ accountId: account.id, password }).then((result) => {
      setBusy(false);
      if (result.ok) onSaved();
      else setError(result.error);
    });
  };
  return (
    <form className={styles.form} noValidate onSubmit={submit} data-testid="password-form">
      <p className={styles.detail}>{t('accounts.passwordExplain')}</p>
      <Field
        label={t('account.newPassword')}
        required
        validationState={missing ? 'error' : 'none'}
        validationMessage={missing ? t('account.fieldRequired') : undefined}
      >
        <Input
          name="newPassword"
          type="password"
          autoComplete="off"
          value={password}
          onChange={(_e, d) => {
            setPassword(d.value);
            setMissing(false);
          }}
        />
      </Field>
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" data-testid="password-save" disabled={busy}>
          {busy ? t('account.saving') : t('accounts.passwordSave')}
        </Button>
        <Button type="button" appearance="secondary" onClick={onCancel}>
          {t('account.cancel')}
        </Button>
      </div>
    </form>
  );
}

function RemoveConfirm({ account, onCancel, onRemoved }: { account: AccountSummary; onCancel: () => void; onRemoved: () => void }) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const remove = () => {
    setBusy(true);
    setError(null);
    void api['accounts:remove']({ accountId: account.id }).then((result) => {
      setBusy(false);
      if (result.ok) onRemoved();
      else setError(result.error);
    });
  };
  return (
    <div className={styles.form} data-testid="remove-confirm">
      <p>{t('accounts.removeServer')}</p>
      <p>{t('accounts.removeLocal')}</p>
      <p>{t('accounts.removeKept')}</p>
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      <div className={styles.actions}>
        <Button appearance="primary" data-testid="remove-confirm-button" disabled={busy} onClick={remove}>
          {t('accounts.removeConfirm')}
        </Button>
        <Button appearance="secondary" onClick={onCancel}>
          {t('account.cancel')}
        </Button>
      </div>
    </div>
  );
}
