import { makeStyles, mergeClasses, Spinner, tokens } from '@fluentui/react-components';
import { LockClosedRegular } from '@fluentui/react-icons';
import { useRef, type KeyboardEvent } from 'react';
import { useIntl } from 'react-intl';
import type { MailboxRef } from '../../shared/domain.js';
import type { SearchHit } from '../../shared/search-schema.js';
import { ErrorBar } from '../app/ErrorBar.js';
import { describeError } from '../i18n/error-text.js';
import { formatDateTime } from '../i18n/format.js';
import { useT } from '../i18n/use-t.js';
import { MessageFlagIcons } from '../messages/MessageFlagIcons.js';
import type { SearchState } from './useSearch.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', minHeight: 0, height: '100%' },
  status: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    color: tokens.colorNeutralForeground2,
    flexWrap: 'wrap',
  },
  note: { margin: 0, padding: `0 ${tokens.spacingHorizontalM}`, color: tokens.colorNeutralForeground2 },
  warn: { margin: 0, padding: `0 ${tokens.spacingHorizontalM}`, color: tokens.colorPaletteDarkOrangeForeground1 },
  scroll: { flexGrow: 1, overflowY: 'auto', minHeight: 0 },
  table: { width: '100%', borderCollapse: 'collapse', tableLayout: 'fixed' },
  row: {
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  selected: { backgroundColor: tokens.colorNeutralBackground1Selected },
  unread: { fontWeight: tokens.fontWeightSemibold },
  cell: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}` },
  flags: { width: '88px' },
  mailbox: { width: '20%', color: tokens.colorNeutralForeground2 },
  sender: { width: '22%' },
  date: { width: '150px', textAlign: 'end' },
  open: {
    border: 'none',
    background: 'none',
    padding: 0,
    font: 'inherit',
    color: 'inherit',
    textAlign: 'start',
    width: '100%',
    cursor: 'pointer',
    display: 'block',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '1px' },
  },
  visuallyHidden: { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' },
});

interface Props {
  state: SearchState;
  mailboxName: (ref: MailboxRef) => string;
  selected: { mailbox: MailboxRef; uid: number } | null;
  onOpen: (mailbox: MailboxRef, uid: number) => void;
}

const sameBox = (a: MailboxRef, b: MailboxRef) => a.accountId === b.accountId && a.path === b.path;

/** The hits of a search, each named with the mailbox it lives in; opening one opens it there. */
export function SearchResults({ state, mailboxName, selected, onOpen }: Props) {
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const tableRef = useRef<HTMLTableElement>(null);

  // Arrow keys move between results (each result's subject is one button in the Tab order).
  const onKeyDown = (event: KeyboardEvent<HTMLTableElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = [...(tableRef.current?.querySelectorAll<HTMLButtonElement>('button[data-result]') ?? [])];
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, index + (event.key === 'ArrowDown' ? 1 : -1)))]?.focus();
  };

  const open = (hit: SearchHit) => onOpen(hit.mailbox, hit.row.uid);

  return (
    <section className={styles.root} aria-label={t('search.results.label')} data-testid="search-results">
      <div className={styles.status} role="status" aria-live="polite">
        <span data-testid="search-count" data-count={state.hits.length}>
          {t('search.results.count', { count: state.hits.length })}
        </span>
        {state.running ? <Spinner size="extra-tiny" label={t('search.results.searching')} labelPosition="after" /> : null}
      </div>
      {state.error ? <ErrorBar error={state.error} /> : null}
      {state.encryptedIndex === 'unavailable' ? (
        <p className={styles.warn} data-testid="search-index-unavailable">
          {t('search.results.indexUnavailable')}
        </p>
      ) : state.encryptedIndex === 'ready' && state.encryptedIndexed > 0 ? (
        <p className={styles.note}>{t('search.results.indexed', { count: state.encryptedIndexed })}</p>
      ) : null}
      {state.failed.map((f) => (
        <p key={`${f.mailbox.accountId}\u0000${f.mailbox.path}`} className={styles.warn}>
          {t('search.results.failed', { mailbox: mailboxName(f.mailbox), reason: describeError(t, { code: f.code, message: '' }).text })}
        </p>
      ))}
      {state.truncated ? <p className={styles.note}>{t('search.results.truncated', { count: state.hits.length })}</p> : null}
      {!state.running && !state.error && state.hits.length === 0 ? <p className={styles.note}>{t('search.results.none')}</p> : null}
      {state.hits.length ? (
        <div className={styles.scroll}>
          <table ref={tableRef} className={styles.table} onKeyDown={onKeyDown} data-testid="search-result-table">
            <caption className={styles.visuallyHidden}>{t('search.results.label')}</caption>
            <thead className={styles.visuallyHidden}>
              <tr>
                <th scope="col">{t('search.results.flags')}</th>
                <th scope="col">{t('search.results.mailbox')}</th>
                <th scope="col">{t('view.from')}</th>
                <th scope="col">{t('search.results.subject')}</th>
                <th scope="col">{t('view.date')}</th>
              </tr>
            </thead>
            <tbody>
              {state.hits.map((hit) => {
                const isSelected = selected !== null && selected.uid === hit.row.uid && sameBox(selected.mailbox, hit.mailbox);
                return (
                  <tr
                    key={`${hit.mailbox.accountId}\u0000${hit.mailbox.path}\u0000${hit.row.uid}`}
                    className={mergeClasses(styles.row, isSelected && styles.selected, !hit.row.flags.seen && styles.unread)}
                    data-testid="search-result"
                    data-uid={hit.row.uid}
                    data-mailbox={hit.mailbox.path}
                    data-via={hit.via}
                    aria-selected={isSelected || undefined}
                    onClick={() => open(hit)}
                  >
                    <td className={mergeClasses(styles.cell, styles.flags)}>
                      <MessageFlagIcons row={hit.row} />
                    </td>
                    <td className={mergeClasses(styles.cell, styles.mailbox)}>{mailboxName(hit.mailbox)}</td>
                    <td className={mergeClasses(styles.cell, styles.sender)} title={hit.row.from.address}>
                      {hit.row.from.name || hit.row.from.address || t('list.unknownSender')}
                    </td>
                    <td className={styles.cell}>
                      <button
                        type="button"
                        className={styles.open}
                        data-result
                        onClick={(event) => {
                          event.stopPropagation();
                          open(hit);
                        }}
                      >
                        {hit.row.subject || t('list.noSubject')}
                        {hit.via === 'encrypted-index' ? (
                          <span title={t('search.results.encryptedHit')}>
                            {' '}
                            <LockClosedRegular aria-label={t('search.results.encryptedHit')} />
                          </span>
                        ) : null}
                      </button>
                    </td>
                    <td className={mergeClasses(styles.cell, styles.date)}>{formatDateTime(intl, hit.row.date)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
