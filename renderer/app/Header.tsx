import { Button, Field, makeStyles, Select, tokens } from '@fluentui/react-components';
import {
  DocumentSearchRegular,
  DraftsRegular,
  MailArrowUpRegular,
  MailEditRegular,
  ShieldTaskRegular,
  KeyMultipleRegular,
  PersonAccountsRegular,
  PersonAddRegular,
  ShieldLockRegular,
} from '@fluentui/react-icons';
import { LOCALES } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import { isLocale } from '../i18n/catalogs.js';
import { useLocale } from '../i18n/LocaleProvider.js';
import { useT } from '../i18n/use-t.js';
import { SetByOrganisation } from '../managed/SetByOrganisation.js';
import { useManagedConfig, useManagedSetting } from '../managed/use-managed-config.js';
import { ConnectionIndicator } from './ConnectionIndicator.js';
import type { ConnectionState } from './use-connection-state.js';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalL,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1,
  },
  brand: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, marginInlineEnd: 'auto' },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  language: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

interface Props {
  connection: ConnectionState;
  onAddAccount: () => void;
  /** Edit, change the password of or remove an account (absent while there is none). */
  onOpenAccounts?: () => void;
  onOpenKeys: () => void;
  onOpenPolicy: () => void;
  onOpenAudit?: () => void;
  onCompose: () => void;
  onOpenOutbox: () => void;
  onOpenDrafts: () => void;
  onLocaleError: (error: AppError) => void;
}

export function Header({
  connection,
  onAddAccount,
  onOpenAccounts,
  onOpenKeys,
  onOpenPolicy,
  onOpenAudit,
  onCompose,
  onOpenOutbox,
  onOpenDrafts,
  onLocaleError,
}: Props) {
  const t = useT();
  const styles = useStyles();
  const { locale, setLocale } = useLocale();
  const managed = useManagedConfig();
  const localeSetting = useManagedSetting(managed, 'ui.locale');
  const addAccountsOff = useManagedSetting(managed, 'features.addAccounts')?.value === false;
  return (
    <header className={styles.root}>
      <div className={styles.brand}>
        <ShieldLockRegular fontSize={24} aria-hidden="true" />
        <h1 className={styles.title}>{t('app.name')}</h1>
      </div>
      <ConnectionIndicator state={connection} />
      <Field
        label={t('header.language')}
        orientation="horizontal"
        className={styles.language}
        hint={localeSetting?.locked ? <SetByOrganisation testId="language-set-by-organisation" /> : undefined}
      >
        <Select
          data-testid="language-select"
          size="small"
          value={locale}
          disabled={localeSetting?.locked ?? false}
          onChange={(_event, data) => {
            if (!isLocale(data.value)) return;
            void setLocale(data.value).then((error) => {
              if (error) onLocaleError(error);
            });
          }}
        >
          {LOCALES.map((code) => (
            <option key={code} value={code} lang={code}>
              {t(`language.${code}`)}
            </option>
          ))}
        </Select>
      </Field>
      <Button data-testid="compose" appearance="primary" icon={<MailEditRegular />} onClick={onCompose}>
        {t('header.compose')}
      </Button>
      <Button data-testid="open-outbox" icon={<MailArrowUpRegular />} onClick={onOpenOutbox}>
        {t('header.outbox')}
      </Button>
      <Button data-testid="open-drafts" icon={<DraftsRegular />} onClick={onOpenDrafts}>
        {t('header.drafts')}
      </Button>
      <Button data-testid="open-policy" icon={<ShieldTaskRegular />} onClick={onOpenPolicy}>
        {t('header.policy')}
      </Button>
      {onOpenAudit ? (
        <Button data-testid="open-audit" icon={<DocumentSearchRegular />} onClick={onOpenAudit}>
          {t('header.audit')}
        </Button>
      ) : null}
      <Button data-testid="open-keys" icon={<KeyMultipleRegular />} onClick={onOpenKeys}>
        {t('header.keys')}
      </Button>
      {onOpenAccounts ? (
        <Button data-testid="open-accounts" icon={<PersonAccountsRegular />} onClick={onOpenAccounts}>
          {t('header.accounts')}
        </Button>
      ) : null}
      <Button
        data-testid="add-account"
        appearance="primary"
        icon={<PersonAddRegular />}
        onClick={onAddAccount}
        disabled={addAccountsOff}
        title={addAccountsOff ? t('managed.addAccountsOff') : undefined}
      >
        {t('header.addAccount')}
      </Button>
    </header>
  );
}
