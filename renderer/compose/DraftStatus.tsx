/**
 * The composer's draft line: when the draft was last saved, and whether it also reached the
 * server's Drafts folder (encrypted) or stayed on this workstation only — with the reason, so the
 * person knows what to do (create or unlock a key, choose a sender, wait for the server).
 */
import { makeStyles, Text, tokens } from '@fluentui/react-components';
import { useIntl } from 'react-intl';
import type { ErrorCode } from '../../shared/result.js';
import { describeError } from '../i18n/error-text.js';
import { useT } from '../i18n/use-t.js';
import type { DraftStatus as Status } from './useDraftAutosave.js';

const useStyles = makeStyles({
  line: { color: tokens.colorNeutralForeground2, maxWidth: '30rem' },
});

export function DraftStatus({ status }: { status: Status }) {
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  let text = '';
  if (status.state === 'saving') text = t('drafts.status.saving');
  if (status.state === 'error') text = t('drafts.status.error', { reason: describeError(t, status.error).text });
  if (status.state === 'saved') {
    const time = intl.formatTime(status.savedAt, { hour: '2-digit', minute: '2-digit' });
    if (status.server === 'saved') text = t('drafts.status.saved', { time });
    else if (status.server === 'failed')
      text = t('drafts.status.localFailed', { time, reason: describeError(t, { code: (status.error ?? 'INTERNAL') as ErrorCode, message: '' }).text });
    else text = t(`drafts.status.local.${status.server}`, { time });
  }
  return (
    <Text
      size={200}
      role="status"
      aria-live="polite"
      className={styles.line}
      data-testid="draft-status"
      data-state={status.state}
      data-server={status.state === 'saved' ? status.server : undefined}
    >
      {text}
    </Text>
  );
}
