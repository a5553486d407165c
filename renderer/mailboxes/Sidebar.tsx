import { Badge, Button, makeStyles, mergeClasses, Spinner, tokens } from '@fluentui/react-components';
import { BoardRegular, FolderRegular, MailInboxRegular, PeopleTeamRegular } from '@fluentui/react-icons';
import type { MailboxGroup, MailboxRef } from '../../shared/domain.js';
import { useT } from '../i18n/use-t.js';
import { ledTeam } from '../team/board-team.js';
import type { BoardTeam } from '../team/TeamBoard.js';
import { mailboxDisplayName } from './mailbox-name.js';

const useStyles = makeStyles({
  root: {
    overflowY: 'auto',
    padding: tokens.spacingVerticalS,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  group: { marginBottom: tokens.spacingVerticalL },
  groupHeader: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, padding: `0 ${tokens.spacingHorizontalS}` },
  heading: { margin: `${tokens.spacingVerticalS} 0`, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  list: { listStyleType: 'none', margin: 0, padding: 0 },
  item: { width: '100%', justifyContent: 'flex-start', fontWeight: tokens.fontWeightRegular },
  // The selected folder is unmistakable (three folders may be called "Saapuneet"): a brand bar, not only a shade.
  current: {
    backgroundColor: tokens.colorBrandBackground2,
    color: tokens.colorBrandForeground2,
    fontWeight: tokens.fontWeightSemibold,
    boxShadow: `inset 3px 0 0 ${tokens.colorBrandStroke1}`,
  },
});

interface Props {
  groups: MailboxGroup[] | null;
  selected: MailboxRef | null;
  onSelect: (ref: MailboxRef) => void;
  /** The team whose board is shown (its button is then the current place). */
  board?: BoardTeam | null;
  onOpenBoard?: (team: BoardTeam) => void;
}

export function Sidebar({ groups, selected, onSelect, board, onOpenBoard }: Props) {
  const t = useT();
  const styles = useStyles();
  return (
    <nav aria-label={t('sidebar.label')} className={styles.root} data-testid="sidebar">
      {groups === null ? <Spinner size="tiny" label={t('sidebar.loading')} /> : null}
      {groups?.length === 0 ? <p>{t('sidebar.empty')}</p> : null}
      {groups?.map((group, index) => {
        const headingId = `mailbox-group-${index}`;
        const led = onOpenBoard ? ledTeam(group) : null;
        const boardCurrent = !!led && board?.accountId === led.accountId && board.team === led.team;
        return (
          <section
            key={group.id}
            className={styles.group}
            data-testid="mailbox-group"
            data-label={group.label}
            data-kind={group.kind}
            aria-labelledby={headingId}
          >
            <div className={styles.groupHeader}>
              {group.kind === 'team' ? <PeopleTeamRegular aria-hidden="true" /> : null}
              <h2 id={headingId} className={styles.heading}>
                {group.label}
              </h2>
              {group.kind === 'team' ? (
                <Badge appearance="tint" color="informative" size="small">
                  {t('sidebar.team')}
                </Badge>
              ) : null}
            </div>
            {led ? (
              <Button
                appearance="subtle"
                className={mergeClasses(styles.item, boardCurrent && styles.current)}
                icon={<BoardRegular />}
                data-testid="team-board-open"
                data-team={led.team}
                aria-label={t('sidebar.boardFor', { team: led.label })}
                aria-current={boardCurrent ? 'page' : undefined}
                onClick={() => onOpenBoard?.(led)}
              >
                {t('sidebar.board')}
              </Button>
            ) : null}
            <ul className={styles.list} aria-labelledby={headingId}>
              {group.mailboxes.map((mailbox) => {
                const isCurrent = selected?.accountId === mailbox.accountId && selected.path === mailbox.path;
                const name = mailboxDisplayName(t, mailbox);
                return (
                  <li key={mailbox.path}>
                    <Button
                      appearance="subtle"
                      className={mergeClasses(styles.item, isCurrent && styles.current)}
                      style={{ paddingLeft: `calc(${tokens.spacingHorizontalS} + ${mailbox.depth * 16}px)` }}
                      icon={mailbox.specialUse === '\\Inbox' ? <MailInboxRegular /> : <FolderRegular />}
                      data-testid="mailbox-item"
                      data-path={mailbox.path}
                      data-account={mailbox.accountId}
                      aria-current={isCurrent ? 'true' : undefined}
                      disabled={!mailbox.selectable}
                      onClick={() => onSelect({ accountId: mailbox.accountId, path: mailbox.path })}
                    >
                      {name}
                      {mailbox.readOnly ? ` (${t('sidebar.readOnly')})` : ''}
                    </Button>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
