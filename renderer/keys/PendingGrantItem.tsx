/**
 * A team-key grant waiting for the person: who granted it (the lead's fingerprint, to compare
 * with the lead before trusting it the first time), which team key it holds, and the import.
 * The facts shown come from the service after it opened and verified the grant; a refused grant
 * says why and offers nothing to import.
 */
import { Button, Checkbox, makeStyles, tokens } from '@fluentui/react-components';
import { useId, useState } from 'react';
import type { PendingGrant } from '../../shared/team-key-schema.js';
import { Bar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  grant: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalM,
    display: 'grid',
    gap: tokens.spacingVerticalS,
  },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalM}`, margin: 0 },
  fingerprint: { fontFamily: tokens.fontFamilyMonospace, letterSpacing: '0.05em', margin: 0 },
});

interface Props {
  grant: Omit<PendingGrant, 'accountId' | 'uid'>;
  busy: boolean;
  /** Imports it; `confirmLead` is the lead fingerprint the person compared. */
  onImport: (confirmLead: string | undefined) => void;
}

export function PendingGrantItem({ grant, busy, onImport }: Props) {
  const t = useT();
  const styles = useStyles();
  const [confirmed, setConfirmed] = useState(false);
  const headingId = useId();
  if (grant.state === 'locked') {
    return (
      <li data-testid="pending-grant" data-state="locked">
        <Bar intent="warning">{t('teamKeys.pendingLocked')}</Bar>
      </li>
    );
  }
  if (grant.state === 'refused' || !grant.lead) {
    return (
      <li data-testid="pending-grant" data-state="refused">
        <Bar intent="error">{t('teamKeys.pendingRefused', { reason: grant.reason ?? '' })}</Bar>
      </li>
    );
  }
  const lead = grant.lead;
  const canImport = grant.leadConfirmed || confirmed;
  return (
    <li className={styles.grant} data-testid="pending-grant" data-state="ready" data-team={grant.team} aria-labelledby={headingId}>
      <strong id={headingId}>
        {grant.teamLabel} · {t('teamKeys.generation', { generation: grant.generation })}
      </strong>
      <span>{t('teamKeys.pendingFrom', { lead: lead.userIds.join(', ') })}</span>
      <dl className={styles.facts}>
        <dt>{t('teamKeys.leadFingerprint')}</dt>
        <dd className={styles.fingerprint} data-testid="grant-lead-fingerprint">
          {lead.fingerprintGrouped}
        </dd>
        <dt>{t('teamKeys.teamFingerprint')}</dt>
        <dd className={styles.fingerprint}>{grant.teamFingerprintGrouped}</dd>
      </dl>
      {grant.leadConfirmed ? (
        <span>{t('teamKeys.leadTrusted')}</span>
      ) : (
        <Checkbox
          checked={confirmed}
          onChange={(_e, d) => setConfirmed(d.checked === true)}
          label={t('teamKeys.confirmLead')}
          data-testid="grant-confirm-lead"
        />
      )}
      <div>
        <Button
          appearance="primary"
          disabled={busy || !canImport}
          onClick={() => onImport(grant.leadConfirmed ? undefined : lead.fingerprint)}
          data-testid="grant-import"
        >
          {t('teamKeys.import')}
        </Button>
      </div>
    </li>
  );
}
