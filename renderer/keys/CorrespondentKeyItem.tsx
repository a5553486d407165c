/**
 * One correspondent's key: the facts to compare aloud (grouped fingerprint), where it came from,
 * the person's decision, and the actions. "Verified" needs the person to tick that they compared
 * the fingerprint with the correspondent; the services refuse it otherwise.
 */
import { Badge, Button, Checkbox, makeStyles, tokens } from '@fluentui/react-components';
import { useId, useState } from 'react';
import { useIntl } from 'react-intl';
import type { CorrespondentKeyView } from '../../shared/keyring-schema.js';
import type { Result } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { Bar } from '../app/ErrorBar.js';
import { formatDateTime } from '../i18n/format.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  key: { border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalM },
  title: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  fingerprint: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase300, letterSpacing: '0.05em' },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalM}`,
    margin: `${tokens.spacingVerticalS} 0`,
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
});

const STATE_COLOR = { undecided: 'warning', unverified: 'informative', verified: 'success', rejected: 'danger' } as const;

interface Props {
  keyInfo: CorrespondentKeyView;
  busy: boolean;
  run: (action: () => Promise<Result<unknown>>, done: string) => Promise<void>;
}

export function CorrespondentKeyItem({ keyInfo: key, busy, run }: Props) {
  const api = useApi();
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const [compared, setCompared] = useState(false);
  const headingId = useId();
  const fingerprint = key.fingerprint;

  return (
    <li className={styles.key} data-testid="contact-key" data-fingerprint={fingerprint} data-state={key.state} aria-labelledby={headingId}>
      <div className={styles.title}>
        <strong id={headingId}>{key.userIds.join(', ')}</strong>
        <Badge appearance="tint" color={STATE_COLOR[key.state]} data-testid="contact-state">
          {t(`contacts.state.${key.state}`)}
        </Badge>
        {key.revoked ? <Badge color="danger">{t('contacts.revoked')}</Badge> : null}
      </div>
      {key.conflictsWith.length && key.state !== 'rejected' ? (
        <Bar intent="warning" data-testid="contact-conflict">
          {t('contacts.conflict', { fingerprints: key.conflictsWith.map((f) => f.slice(-16)).join(', ') })}
        </Bar>
      ) : null}
      {key.state === 'undecided' ? <p>{t('contacts.undecidedHint')}</p> : null}
      <dl className={styles.facts}>
        <dt>{t('keys.fingerprint')}</dt>
        <dd className={styles.fingerprint} data-testid="contact-fingerprint">
          {key.fingerprintGrouped}
        </dd>
        <dt>{t('contacts.addresses')}</dt>
        <dd>{key.addresses.join(', ')}</dd>
        <dt>{t('keys.algorithm')}</dt>
        <dd>{key.algorithm}</dd>
        <dt>{t('keys.expires')}</dt>
        <dd>{key.expires === null ? t('keys.noExpiry') : formatDateTime(intl, key.expires)}</dd>
        <dt>{t('contacts.source')}</dt>
        <dd>{t(`contacts.source.${key.source}`)}</dd>
        <dt>{t('contacts.importedAt')}</dt>
        <dd>{formatDateTime(intl, key.importedAt)}</dd>
      </dl>

      {key.state !== 'verified' && key.state !== 'rejected' && !key.revoked ? (
        <>
          <p>{t('contacts.compareHint')}</p>
          <Checkbox checked={compared} onChange={(_e, d) => setCompared(d.checked === true)} label={t('contacts.compared')} data-testid="contact-compared" />
        </>
      ) : null}
      <div className={styles.actions}>
        {key.state !== 'verified' && key.state !== 'rejected' && !key.revoked ? (
          <Button
            size="small"
            appearance="primary"
            disabled={busy || !compared}
            data-testid="contact-verify"
            onClick={() =>
              void run(() => api['crypto:contacts:accept']({ fingerprint, state: 'verified', fingerprintCompared: true }), t('contacts.verifiedNotice'))
            }
          >
            {t('contacts.verify')}
          </Button>
        ) : null}
        {key.state === 'undecided' || (key.state === 'rejected' && !key.revoked) ? (
          <Button
            size="small"
            disabled={busy}
            data-testid="contact-accept"
            onClick={() => void run(() => api['crypto:contacts:accept']({ fingerprint, state: 'unverified' }), t('contacts.acceptedNotice'))}
          >
            {t('contacts.accept')}
          </Button>
        ) : null}
        {key.state !== 'rejected' ? (
          <Button
            size="small"
            disabled={busy}
            data-testid="contact-reject"
            onClick={() => void run(() => api['crypto:contacts:accept']({ fingerprint, state: 'rejected' }), t('contacts.rejectedNotice'))}
          >
            {t('contacts.reject')}
          </Button>
        ) : null}
        <Button
          size="small"
          disabled={busy}
          data-testid="contact-remove"
          onClick={() => void run(() => api['crypto:contacts:remove']({ fingerprint }), t('contacts.removedNotice'))}
        >
          {t('contacts.remove')}
        </Button>
      </div>
    </li>
  );
}
