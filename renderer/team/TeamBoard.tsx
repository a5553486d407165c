/**
 * The team lead's board for one team mailbox: counts by status, the oldest unhandled message,
 * each member's open items and the messages past the response-time limit, highlighted (icon and
 * text, never colour alone). Messages are named by arrival time only: the board holds no subject,
 * sender or content. It reads the board again whenever the services report a change in the team
 * (`team-changed`), and every few minutes as time ages the items.
 */
import { Button, Field, Input, makeStyles, mergeClasses, shorthands, Spinner, tokens } from '@fluentui/react-components';
import { ArrowLeftRegular, WarningRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import type { BoardItem, TeamBoard as TeamBoardData } from '../../shared/team-board.js';
import type { TeamItemStatus } from '../../shared/team-work-schema.js';
import type { AppError } from '../../shared/result.js';
import { ErrorBar } from '../app/ErrorBar.js';
import { useApi } from '../api/api-context.js';
import { formatDateTime } from '../i18n/format.js';
import { useT, type Translate } from '../i18n/use-t.js';

/** Items age as days pass even when nothing changes: read the board again this often. */
const AGEING_REFRESH_MS = 5 * 60_000;
const STATUSES: TeamItemStatus[] = ['new', 'in-progress', 'waiting', 'done'];

const useStyles = makeStyles({
  root: { padding: tokens.spacingHorizontalL, overflowY: 'auto', height: '100%', boxSizing: 'border-box' },
  top: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  title: { margin: 0, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  updated: { color: tokens.colorNeutralForeground2, marginLeft: 'auto' },
  counts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))',
    gap: tokens.spacingHorizontalM,
    margin: `${tokens.spacingVerticalL} 0`,
    padding: 0,
  },
  count: {
    margin: 0,
    padding: tokens.spacingHorizontalM,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    display: 'flex',
    flexDirection: 'column-reverse',
  },
  countValue: { margin: 0, fontSize: tokens.fontSizeHero700, fontWeight: tokens.fontWeightSemibold },
  countLabel: { color: tokens.colorNeutralForeground2 },
  alert: { ...shorthands.borderColor(tokens.colorPaletteRedBorder2), backgroundColor: tokens.colorPaletteRedBackground1 },
  section: { marginTop: tokens.spacingVerticalXL },
  heading: { fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, margin: `0 0 ${tokens.spacingVerticalS}` },
  table: { borderCollapse: 'collapse', width: '100%' },
  cell: {
    textAlign: 'start',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
  },
  overdueRow: { backgroundColor: tokens.colorPaletteRedBackground1 },
  overdueMark: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    color: tokens.colorPaletteRedForeground1,
    fontWeight: tokens.fontWeightSemibold,
  },
  note: { color: tokens.colorNeutralForeground2, margin: `${tokens.spacingVerticalXS} 0` },
  handover: { display: 'flex', alignItems: 'flex-end', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', margin: `${tokens.spacingVerticalS} 0` },
});

/**
 * Handover of everything one member has open: shared out in turn among the addresses written
 * (comma or space separated), or released to the team's queue.
 */
function HandoverForm({ team, memberId, name }: { team: BoardTeam; memberId: string; name: string }) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const run = (targets: string[]) => {
    setBusy(true);
    setError(null);
    void api['team:handover']({ accountId: team.accountId, team: team.team, from: memberId, to: targets }).then((result) => {
      setBusy(false);
      if (!result.ok) return setError(result.error);
      setOutcome(t('board.handover.done', { moved: result.value.moved, failed: result.value.failed.length }));
      setTo('');
    });
  };
  const targets = to.split(/[\s,;]+/).filter(Boolean);
  return (
    <div className={styles.handover} data-testid="board-handover">
      <Field label={t('board.handover.to', { name })}>
        <Input value={to} onChange={(_, data) => setTo(data.value)} type="text" data-testid="board-handover-to" />
      </Field>
      <Button disabled={busy || targets.length === 0} onClick={() => run(targets)} data-testid="board-handover-move">
        {t('board.handover.move')}
      </Button>
      <Button disabled={busy} onClick={() => run([])} data-testid="board-handover-release">
        {t('board.handover.release')}
      </Button>
      <span role="status">{outcome}</span>
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}

export interface BoardTeam {
  accountId: string;
  team: string;
  label: string;
}

interface Props {
  team: BoardTeam;
  onClose: () => void;
}

function statusText(t: Translate, status: TeamItemStatus): string {
  return t(`board.status.${status}`);
}

export function TeamBoard({ team, onClose }: Props) {
  const api = useApi();
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const [board, setBoard] = useState<TeamBoardData | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const { accountId, team: teamName } = team;

  useEffect(() => {
    // One read at a time; changes reported meanwhile are read once more when it ends.
    let reading = false;
    let again = false;
    let ended = false;
    const load = () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      void api['team:board:get']({ accountId, team: teamName }).then((result) => {
        reading = false;
        if (ended) return;
        if (result.ok) {
          setBoard(result.value);
          setError(null);
        } else setError(result.error);
        if (again) {
          again = false;
          load();
        }
      });
    };
    load();
    const timer = setInterval(load, AGEING_REFRESH_MS);
    const unsubscribe = api.onMailEvent((event) => {
      if (event.type === 'team-changed' && event.accountId === accountId && event.team === teamName) load();
    });
    return () => {
      ended = true;
      clearInterval(timer);
      unsubscribe();
      void api['team:board:close']({ accountId, team: teamName });
    };
  }, [api, accountId, teamName]);

  const handlerName = (memberId: string | null) => {
    if (!memberId) return t('board.nobody');
    return board?.members.find((m) => m.memberId === memberId)?.displayName ?? memberId;
  };
  const age = (item: BoardItem) => t('board.workingDays', { count: item.workingDays });
  const due = (item: BoardItem) => intl.formatDate(`${item.dueDate}T12:00:00Z`, { dateStyle: 'short', timeZone: 'UTC' });

  const itemTable = (items: BoardItem[], caption: string, testId: string, showHandler: boolean) => (
    <table className={styles.table} data-testid={testId}>
      <caption className={styles.note} style={{ textAlign: 'start' }}>
        {caption}
      </caption>
      <thead>
        <tr>
          <th scope="col" className={styles.cell}>
            {t('board.col.received')}
          </th>
          <th scope="col" className={styles.cell}>
            {t('board.col.age')}
          </th>
          <th scope="col" className={styles.cell}>
            {t('board.col.due')}
          </th>
          <th scope="col" className={styles.cell}>
            {t('board.col.status')}
          </th>
          {showHandler ? (
            <th scope="col" className={styles.cell}>
              {t('board.col.handler')}
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr
            key={item.uid}
            className={mergeClasses(item.overdue && styles.overdueRow)}
            data-testid="board-item"
            data-uid={item.uid}
            data-overdue={item.overdue}
          >
            <td className={styles.cell}>{formatDateTime(intl, item.receivedAt)}</td>
            <td className={styles.cell}>{age(item)}</td>
            <td className={styles.cell}>
              {item.overdue ? (
                <span className={styles.overdueMark}>
                  <WarningRegular aria-hidden="true" />
                  {t('board.overdueOn', { date: due(item) })}
                </span>
              ) : (
                due(item)
              )}
            </td>
            <td className={styles.cell}>{statusText(t, item.status)}</td>
            {showHandler ? <td className={styles.cell}>{handlerName(item.handler)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <section className={styles.root} aria-labelledby="team-board-title" data-testid="team-board">
      <div className={styles.top}>
        <Button icon={<ArrowLeftRegular />} onClick={onClose}>
          {t('board.back')}
        </Button>
        <h2 id="team-board-title" className={styles.title}>
          {t('board.title', { team: team.label })}
        </h2>
        {board ? <span className={styles.updated}>{t('board.updated', { time: intl.formatTime(board.computedAt, { timeStyle: 'short' }) })}</span> : null}
      </div>
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      {!board && !error ? <Spinner label={t('board.loading')} /> : null}
      {board ? (
        <>
          <dl className={styles.counts} data-testid="board-counts">
            {STATUSES.map((status) => (
              <div key={status} className={styles.count} data-testid={`board-count-${status}`} data-count={board.counts[status]}>
                <dt className={styles.countLabel}>{statusText(t, status)}</dt>
                <dd className={styles.countValue}>{board.counts[status]}</dd>
              </div>
            ))}
            <div className={styles.count} data-testid="board-count-unhandled" data-count={board.unhandled}>
              <dt className={styles.countLabel}>{t('board.unhandled')}</dt>
              <dd className={styles.countValue}>{board.unhandled}</dd>
            </div>
            <div
              className={mergeClasses(styles.count, board.overdueTotal > 0 && styles.alert)}
              data-testid="board-count-overdue"
              data-count={board.overdueTotal}
            >
              <dt className={styles.countLabel}>{t('board.overdueCount', { days: board.limitWorkingDays })}</dt>
              <dd className={styles.countValue}>{board.overdueTotal}</dd>
            </div>
          </dl>

          <p data-testid="board-oldest">
            {board.oldestUnhandled
              ? t('board.oldest', { received: formatDateTime(intl, board.oldestUnhandled.receivedAt), age: age(board.oldestUnhandled) })
              : t('board.oldestNone')}
            {board.oldestUnhandled?.overdue ? (
              <span className={styles.overdueMark}>
                {' '}
                <WarningRegular aria-hidden="true" />
                {t('board.overdue')}
              </span>
            ) : null}
          </p>

          <section className={styles.section} aria-labelledby="board-overdue-heading">
            <h3 id="board-overdue-heading" className={styles.heading}>
              {t('board.overdueHeading', { days: board.limitWorkingDays })}
            </h3>
            {board.overdue.length === 0 ? (
              <p className={styles.note}>{t('board.overdueNone')}</p>
            ) : (
              itemTable(board.overdue, t('board.listCaption', { shown: board.overdue.length, total: board.overdueTotal }), 'board-overdue', true)
            )}
          </section>

          <section className={styles.section} aria-labelledby="board-members-heading">
            <h3 id="board-members-heading" className={styles.heading}>
              {t('board.membersHeading')}
            </h3>
            {board.members.length === 0 ? <p className={styles.note}>{t('board.membersNone')}</p> : null}
            {board.members.map((member) => (
              <section
                key={member.memberId}
                aria-label={member.displayName ?? member.memberId}
                data-testid="board-member"
                data-member={member.memberId}
                data-open={member.open}
              >
                <h4 className={styles.heading}>
                  {t('board.member', { name: member.displayName ?? member.memberId, open: member.open, overdue: member.overdue })}
                </h4>
                <HandoverForm team={team} memberId={member.memberId} name={member.displayName ?? member.memberId} />
                {itemTable(member.items, t('board.listCaption', { shown: member.items.length, total: member.open }), 'board-member-items', false)}
              </section>
            ))}
          </section>
        </>
      ) : null}
    </section>
  );
}
