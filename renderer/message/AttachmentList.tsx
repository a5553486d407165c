import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowDownloadRegular, DocumentRegular } from '@fluentui/react-icons';
import { useId, useState } from 'react';
import { useIntl } from 'react-intl';
import type { AttachmentInfo, MailboxRef } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { formatSize } from '../i18n/format.js';
import { useT } from '../i18n/use-t.js';
import { saveAttachment } from './save-attachment.js';

const useStyles = makeStyles({
  heading: { fontSize: tokens.fontSizeBase300, margin: `${tokens.spacingVerticalM} 0 ${tokens.spacingVerticalS}` },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  item: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  name: { fontWeight: tokens.fontWeightSemibold, overflowWrap: 'anywhere' },
  meta: { color: tokens.colorNeutralForeground2 },
});

interface Props {
  mailbox: MailboxRef;
  uid: number;
  attachments: AttachmentInfo[];
  onError: (error: AppError) => void;
}

export function AttachmentList({ mailbox, uid, attachments, onError }: Props) {
  const api = useApi();
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const headingId = useId();
  const [busy, setBusy] = useState<string | null>(null);
  if (attachments.length === 0) return null;

  const save = async (partId: string) => {
    setBusy(partId);
    try {
      const result = await api['mail:attachment:get']({ mailbox, uid, partId });
      if (result.ok) saveAttachment(result.value);
      else onError(result.error);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId} className={styles.heading}>
        {t('attachments.title')}
      </h3>
      <ul className={styles.list}>
        {attachments.map((a) => (
          <li
            key={a.partId}
            className={styles.item}
            data-testid="attachment"
            data-part={a.partId}
            data-filename={a.filename}
            data-decrypted={a.decrypted ? 'true' : 'false'}
          >
            <DocumentRegular aria-hidden="true" />
            <span className={styles.name}>{a.filename}</span>
            <span className={styles.meta}>
              {a.mimeType}, {formatSize(intl, a.size)}
              {a.decrypted ? `, ${t('attachments.decrypted')}` : ''}
            </span>
            <Button
              size="small"
              icon={<ArrowDownloadRegular />}
              aria-label={t('attachments.saveNamed', { name: a.filename })}
              disabled={busy !== null}
              data-testid="attachment-save"
              onClick={() => void save(a.partId)}
            >
              {t('attachments.save')}
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
