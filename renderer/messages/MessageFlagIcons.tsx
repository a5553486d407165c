import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { ArrowReplyRegular, AttachRegular, CircleFilled, FlagFilled, LockClosedRegular, RibbonRegular } from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import type { MessageRow } from '../../shared/domain.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  root: { display: 'flex', alignItems: 'center', gap: '2px' },
  icon: { display: 'inline-flex', fontSize: '16px' },
  unread: { color: tokens.colorBrandForeground1, fontSize: '10px' },
  flagged: { color: tokens.colorPaletteRedForeground1 },
});

/** Each state an icon with a spoken, translated name (and a tooltip for sighted users). */
export function MessageFlagIcons({ row }: { row: MessageRow }) {
  const t = useT();
  const styles = useStyles();
  const icons: [boolean, MessageKey, ReactElement, string?][] = [
    [!row.flags.seen, 'flag.unread', <CircleFilled key="u" />, styles.unread],
    [row.flags.answered, 'flag.answered', <ArrowReplyRegular key="a" />],
    [row.flags.flagged, 'flag.flagged', <FlagFilled key="f" />, styles.flagged],
    [row.hasAttachments, 'flag.attachment', <AttachRegular key="h" />],
    [row.encrypted, 'flag.encrypted', <LockClosedRegular key="e" />],
    [row.signed, 'flag.signed', <RibbonRegular key="s" />],
  ];
  return (
    <span className={styles.root}>
      {icons
        .filter(([on]) => on)
        .map(([, key, icon, className]) => (
          <span key={key} role="img" aria-label={t(key)} title={t(key)} className={mergeClasses(styles.icon, className)} data-flag={key.slice(5)}>
            {icon}
          </span>
        ))}
    </span>
  );
}
