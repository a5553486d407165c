import { Badge, makeStyles, tokens } from '@fluentui/react-components';
import { LockClosedRegular, RibbonRegular } from '@fluentui/react-icons';
import { useIntl } from 'react-intl';
import type { Address, MessageView } from '../../shared/domain.js';
import { formatAddress, formatDateTime } from '../i18n/format.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  subject: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  fields: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: tokens.spacingHorizontalM,
    rowGap: '2px',
    margin: `${tokens.spacingVerticalS} 0`,
  },
  row: { display: 'contents' },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0, overflowWrap: 'anywhere' },
  badges: { display: 'flex', gap: tokens.spacingHorizontalS },
});

function list(addresses: Address[]): string {
  return addresses.map(formatAddress).join(', ');
}

export function MessageHeader({ view }: { view: MessageView }) {
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const fields: [string, string, string][] = [
    ['from', t('view.from'), formatAddress(view.from)],
    ['to', t('view.to'), list(view.to)],
    ...(view.cc.length ? [['cc', t('view.cc'), list(view.cc)] as [string, string, string]] : []),
    ['date', t('view.date'), formatDateTime(intl, view.date)],
  ];
  return (
    <div>
      <h2 className={styles.subject} data-testid="message-subject">
        {view.subject || t('list.noSubject')}
      </h2>
      <dl className={styles.fields}>
        {fields.map(([key, label, value]) => (
          <div key={key} className={styles.row}>
            <dt className={styles.term}>{label}</dt>
            <dd className={styles.value} data-testid={`message-${key}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {view.encrypted || view.signed ? (
        <div className={styles.badges}>
          {view.encrypted ? (
            <Badge appearance="outline" color="informative" icon={<LockClosedRegular />} data-testid="badge-encrypted">
              {t('view.encrypted')}
            </Badge>
          ) : null}
          {view.signed ? (
            <Badge appearance="outline" color="informative" icon={<RibbonRegular />} data-testid="badge-signed">
              {t('view.signed')}
            </Badge>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
