import { Menu, MenuGroup, MenuGroupHeader, MenuItem, MenuList, MenuPopover, MenuTrigger, Toolbar, ToolbarButton } from '@fluentui/react-components';
import { DeleteRegular, FlagOffRegular, FlagRegular, FolderArrowRightRegular, MailReadRegular, MailUnreadRegular } from '@fluentui/react-icons';
import type { MailboxGroup, MessageFlags } from '../../shared/domain.js';
import { useT } from '../i18n/use-t.js';
import { mailboxDisplayName } from '../mailboxes/mailbox-name.js';

interface Props {
  flags: MessageFlags;
  /** Same-account groups: a message can only move within its own IMAP account. */
  moveTargets: MailboxGroup[];
  currentPath: string;
  disabled: boolean;
  onSetFlags: (change: { seen?: boolean; flagged?: boolean }) => void;
  onMove: (path: string) => void;
  onDelete: () => void;
}

export function MessageToolbar({ flags, moveTargets, currentPath, disabled, onSetFlags, onMove, onDelete }: Props) {
  const t = useT();
  return (
    <Toolbar aria-label={t('view.toolbar')} data-testid="message-toolbar" size="small">
      <ToolbarButton
        data-testid="toggle-seen"
        disabled={disabled}
        icon={flags.seen ? <MailUnreadRegular /> : <MailReadRegular />}
        onClick={() => onSetFlags({ seen: !flags.seen })}
      >
        {flags.seen ? t('view.markUnread') : t('view.markRead')}
      </ToolbarButton>
      <ToolbarButton
        data-testid="toggle-flagged"
        disabled={disabled}
        icon={flags.flagged ? <FlagOffRegular /> : <FlagRegular />}
        onClick={() => onSetFlags({ flagged: !flags.flagged })}
      >
        {flags.flagged ? t('view.unflag') : t('view.flag')}
      </ToolbarButton>
      <Menu>
        <MenuTrigger disableButtonEnhancement>
          <ToolbarButton data-testid="move-menu" disabled={disabled} icon={<FolderArrowRightRegular />}>
            {t('view.move')}
          </ToolbarButton>
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
      <ToolbarButton data-testid="delete-message" disabled={disabled} icon={<DeleteRegular />} onClick={onDelete}>
        {t('view.delete')}
      </ToolbarButton>
    </Toolbar>
  );
}
