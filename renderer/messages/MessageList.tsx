import { makeStyles, mergeClasses, Select, Spinner, tokens } from '@fluentui/react-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useIntl } from 'react-intl';
import type { MailboxRef, SortOrder } from '../../shared/domain.js';
import { ErrorBar } from '../app/ErrorBar.js';
import { formatDateTime, formatSize } from '../i18n/format.js';
import { useT } from '../i18n/use-t.js';
import { MessageFlagIcons } from './MessageFlagIcons.js';
import { useMessagePages } from './useMessagePages.js';

export const ROW_HEIGHT = 56;
const SORTS: SortOrder[] = ['date-desc', 'date-asc'];

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', minHeight: 0, height: '100%' },
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  count: { marginRight: 'auto', color: tokens.colorNeutralForeground2 },
  sortLabel: { color: tokens.colorNeutralForeground1 },
  grid: { flexGrow: 1, overflowY: 'auto', minHeight: 0, outlineOffset: '-2px' },
  body: { position: 'relative', width: '100%' },
  row: {
    position: 'absolute',
    top: 0,
    left: 0,
    width: '100%',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `0 ${tokens.spacingHorizontalM}`,
    boxSizing: 'border-box',
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    cursor: 'pointer',
    color: tokens.colorNeutralForeground1,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
  selected: { backgroundColor: tokens.colorNeutralBackground1Selected },
  unread: { fontWeight: tokens.fontWeightSemibold },
  cell: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  flags: { width: '96px', flexShrink: 0 },
  sender: { width: '24%', flexShrink: 0 },
  subject: { flexGrow: 1, minWidth: 0 },
  date: { width: '156px', flexShrink: 0, textAlign: 'end' },
  size: { width: '72px', flexShrink: 0, textAlign: 'end', color: tokens.colorNeutralForeground2 },
  placeholder: { color: tokens.colorNeutralForeground2, fontStyle: 'italic' },
  empty: { padding: tokens.spacingHorizontalL },
});

interface Props {
  mailbox: MailboxRef;
  mailboxName: string;
  selectedUid: number | null;
  refreshKey: number;
  onOpen: (uid: number) => void;
}

export function MessageList({ mailbox, mailboxName, selectedUid, refreshKey, onOpen }: Props) {
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const [sort, setSort] = useState<SortOrder>('date-desc');
  const pages = useMessagePages(mailbox, sort, refreshKey);
  const { store, setRange } = pages;
  const total = pages.total ?? 0;
  const gridRef = useRef<HTMLDivElement>(null);
  const rowRefs = useRef(new Map<number, HTMLDivElement>());
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);

  // TanStack Virtual's object changes what its methods return without changing its identity, so
  // the React Compiler would skip this component (the rule's message). We do not run the compiler,
  // and nothing here memoizes what the virtualizer returns: every render asks it afresh.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => gridRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    setRange((r) => (r.start === first && r.end === last ? r : { start: first, end: last }));
  }, [first, last, setRange]);

  useEffect(() => {
    if (active >= total && total > 0) setActive(total - 1);
  }, [active, total]);

  useEffect(() => {
    if (!focusPending.current) return;
    const row = rowRefs.current.get(active);
    if (row) {
      focusPending.current = false;
      row.focus();
    }
  });

  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(total - 1, index));
    setActive(next);
    focusPending.current = true;
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (total === 0) return;
    const pageRows = Math.max(1, Math.floor((gridRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const handled: Record<string, () => void> = {
      ArrowDown: () => moveTo(active + 1),
      ArrowUp: () => moveTo(active - 1),
      Home: () => moveTo(0),
      End: () => moveTo(total - 1),
      PageDown: () => moveTo(active + pageRows),
      PageUp: () => moveTo(active - pageRows),
      Enter: () => {
        const row = store.rowAt(active);
        if (row) onOpen(row.uid);
      },
      ' ': () => {
        const row = store.rowAt(active);
        if (row) onOpen(row.uid);
      },
    };
    const action = handled[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  const activeRendered = items.some((item) => item.index === active);

  return (
    <div className={styles.root}>
      <div className={styles.toolbar}>
        <span className={styles.count} data-testid="message-count" data-total={pages.total ?? ''}>
          {pages.total === null ? t('app.loading') : t('list.count', { total: pages.total })}
        </span>
        {pages.total !== null && !pages.complete ? <Spinner size="extra-tiny" label={t('list.syncing')} labelPosition="after" /> : null}
        <label className={styles.sortLabel} htmlFor="message-sort">
          {t('list.sort')}
        </label>
        <Select id="message-sort" data-testid="sort-select" size="small" value={sort} onChange={(_e, d) => setSort(d.value as SortOrder)}>
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t(`list.sort.${s}`)}
            </option>
          ))}
        </Select>
      </div>
      {pages.error ? <ErrorBar error={pages.error} /> : null}
      {pages.total === 0 ? <p className={styles.empty}>{t('list.empty')}</p> : null}
      {pages.total === null ? <Spinner className={styles.empty} size="small" label={t('app.loading')} /> : null}
      {total > 0 ? (
        <div
          ref={gridRef}
          role="grid"
          aria-label={t('list.label', { mailbox: mailboxName })}
          aria-rowcount={total}
          aria-colcount={5}
          data-testid="message-list"
          className={styles.grid}
          tabIndex={activeRendered ? -1 : 0}
          onFocus={(event) => {
            // Focus landed on the grid itself (its active row is scrolled away): bring it back.
            if (event.target === event.currentTarget) moveTo(activeRendered ? active : first);
          }}
          onKeyDown={onKeyDown}
        >
          <div role="rowgroup" className={styles.body} style={{ height: `${virtualizer.getTotalSize()}px` }}>
            {items.map((item) => {
              const row = store.rowAt(item.index);
              const common = {
                role: 'row',
                'aria-rowindex': item.index + 1,
                tabIndex: item.index === active ? 0 : -1,
                ref: (el: HTMLDivElement | null) => {
                  if (el) rowRefs.current.set(item.index, el);
                  else rowRefs.current.delete(item.index);
                },
                style: { height: `${item.size}px`, transform: `translateY(${item.start}px)` },
                onFocus: () => setActive(item.index),
              } as const;
              if (!row) {
                return (
                  <div
                    key={`p${item.index}`}
                    {...common}
                    className={mergeClasses(styles.row, styles.placeholder)}
                    data-testid="message-row-placeholder"
                    aria-busy="true"
                  >
                    <div role="gridcell" className={mergeClasses(styles.cell, styles.flags)} />
                    <div role="gridcell" className={mergeClasses(styles.cell, styles.sender)}>
                      {t('list.loadingRow')}
                    </div>
                    <div role="gridcell" className={mergeClasses(styles.cell, styles.subject)} />
                    <div role="gridcell" className={mergeClasses(styles.cell, styles.date)} />
                    <div role="gridcell" className={mergeClasses(styles.cell, styles.size)} />
                  </div>
                );
              }
              const selected = row.uid === selectedUid;
              return (
                <div
                  key={row.uid}
                  {...common}
                  aria-selected={selected}
                  className={mergeClasses(styles.row, selected && styles.selected, !row.flags.seen && styles.unread)}
                  data-testid="message-row"
                  data-uid={row.uid}
                  data-unread={row.flags.seen ? undefined : 'true'}
                  data-flagged={row.flags.flagged ? 'true' : undefined}
                  onClick={() => {
                    setActive(item.index);
                    onOpen(row.uid);
                  }}
                >
                  <div role="gridcell" className={mergeClasses(styles.cell, styles.flags)}>
                    <MessageFlagIcons row={row} />
                  </div>
                  <div role="gridcell" className={mergeClasses(styles.cell, styles.sender)} title={row.from.address}>
                    {row.from.name || row.from.address || t('list.unknownSender')}
                  </div>
                  <div role="gridcell" className={mergeClasses(styles.cell, styles.subject)}>
                    {row.subject || t('list.noSubject')}
                  </div>
                  <div role="gridcell" className={mergeClasses(styles.cell, styles.date)}>
                    {formatDateTime(intl, row.date)}
                  </div>
                  <div role="gridcell" className={mergeClasses(styles.cell, styles.size)}>
                    {formatSize(intl, row.size)}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
      ) : null}
    </div>
  );
}
