import { Button, makeStyles, Menu, MenuGroup, MenuGroupHeader, MenuItem, MenuList, MenuPopover, MenuTrigger, tokens } from '@fluentui/react-components';
import {
  DeleteRegular,
  FlagOffRegular,
  FlagRegular,
  FolderArrowRightRegular,
  MailReadRegular,
  MailUnreadRegular,
  ArrowReplyRegular,
  ArrowReplyAllRegular,
  ArrowForwardRegular,
  MailAttachRegular,
} from '@fluentui/react-icons';
import type { MailboxGroup, MessageFlags } from '../../shared/domain.js';
import { useT } from '../i18n/use-t.js';
import { mailboxDisplayName } from '../mailboxes/mailbox-name.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

interface Props {
  flags: MessageFlags;
  /** Same-account groups: a message can only move within its own IMAP account. */
  moveTargets: MailboxGroup[];
  currentPath: string;
  disabled: boolean;
  onSetFlags: (change: { seen?: boolean; flagged?: boolean }) => void;
  onMove: (path: string) => void;
  onDelete: () => void;
  /** Absent where the person has no address to send from. */
  onCompose?: (mode: 'reply' | 'reply-all' | 'forward', forwardMode?: 'inline' | 'attachment') => void;
}

/** The message view's own shortcuts (MessageView listens for them), announced on the buttons. */
export const MESSAGE_SHORTCUTS = { reply: 'R', replyAll: 'Shift+R A', forward: 'F' } as const;

/**
 * A labelled group of ordinary buttons (Tab moves between them). Fluent's Toolbar would add
 * arrow-key movement, but its Tabster guards are focusable aria-hidden elements, which is an
 * accessibility failure of its own.
 */
export function MessageToolbar({ flags, moveTargets, currentPath, disabled, onSetFlags, onMove, onDelete, onCompose }: Props) {
  const t = useT();
  const styles = useStyles();
  return (
    <div role="group" aria-label={t('view.toolbar')} className={styles.root} data-testid="message-toolbar">
      {onCompose ? (
        <>
          <Button
            size="small"
            data-testid="reply"
            icon={<ArrowReplyRegular />}
            aria-keyshortcuts={MESSAGE_SHORTCUTS.reply}
            title={t('view.shortcut', { keys: 'R' })}
            onClick={() => onCompose('reply')}
          >
            {t('view.reply')}
          </Button>
          <Button
            size="small"
            data-testid="reply-all"
            icon={<ArrowReplyAllRegular />}
            aria-keyshortcuts={MESSAGE_SHORTCUTS.replyAll}
            title={t('view.shortcut', { keys: 'Shift+R / A' })}
            onClick={() => onCompose('reply-all')}
          >
            {t('view.replyAll')}
          </Button>
          <Button
            size="small"
            data-testid="forward"
            icon={<ArrowForwardRegular />}
            aria-keyshortcuts={MESSAGE_SHORTCUTS.forward}
            title={t('view.shortcut', { keys: 'F' })}
            onClick={() => onCompose('forward', 'inline')}
          >
            {t('view.forward')}
          </Button>
          <Button size="small" data-testid="forward-attachment" icon={<MailAttachRegular />} onClick={() => onCompose('forward', 'attachment')}>
            {t('view.forwardAttachment')}
          </Button>
        </>
      ) : null}
      <Button
        size="small"
        data-testid="toggle-seen"
        disabled={disabled}
        icon={flags.seen ? <MailUnreadRegular /> : <MailReadRegular />}
        onClick={() => onSetFlags({ seen: !flags.seen })}
      >
        {flags.seen ? t('view.markUnread') : t('view.markRead')}
      </Button>
      <Button
        size="small"
        data-testid="toggle-flagged"
        disabled={disabled}
        icon={flags.flagged ? <FlagOffRegular /> : <FlagRegular />}
        onClick={() => onSetFlags({ flagged: !flags.flagged })}
      >
        {flags.flagged ? t('view.unflag') : t('view.flag')}
      </Button>
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <Button size="small" data-testid="move-menu" disabled={disabled} icon={<FolderArrowRightRegular />} aria-haspopup="menu">
            {t('view.move')}
          </Button>
        </MenuTrigger>
        <MenuPopover>
          <MenuList>
            {moveTargets.map((group) => {
              const targets = group.mailboxes.filter((m) => m.selectable && m.path !== currentPath);
              if (targets.length === 0) return null;
              return (
                <MenuGroup key={group.id}>
                  <MenuGroupHeader>{group.label}</MenuGroupHeader>
                  {targets.map((m) => (
                    <MenuItem key={m.path} data-testid="move-target" data-path={m.path} onClick={() => onMove(m.path)}>
                      {mailboxDisplayName(t, m)}
                    </MenuItem>
                  ))}
                </MenuGroup>
              );
            })}
          </MenuList>
        </MenuPopover>
      </Menu>
      <Button size="small" data-testid="delete-message" disabled={disabled} icon={<DeleteRegular />} onClick={onDelete}>
        {t('view.delete')}
      </Button>
    </div>
  );
}
