import { Button, Input, makeStyles, SearchBox, Select, ToggleButton, tokens } from '@fluentui/react-components';
import { AttachRegular, CircleFilled, DismissRegular, FlagRegular, PersonRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { SearchField, SearchQuery } from '../../shared/search-schema.js';
import { searchWords } from '../../shared/search-words.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { useT } from '../i18n/use-t.js';

const FIELDS: SearchField[] = ['all', 'from', 'to', 'subject', 'body'];
type Filter = 'unread' | 'flagged' | 'hasAttachment' | 'toMe';
const FILTERS: [Filter, ReactElement][] = [
  ['unread', <CircleFilled key="u" />],
  ['flagged', <FlagRegular key="f" />],
  ['hasAttachment', <AttachRegular key="a" />],
  ['toMe', <PersonRegular key="m" />],
];

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  box: { flexGrow: 1, minWidth: '180px', maxWidth: '420px' },
  filters: { display: 'flex', gap: tokens.spacingHorizontalXS, flexWrap: 'wrap' },
  date: { width: '150px' },
  hint: { color: tokens.colorPaletteRedForeground1, margin: 0 },
});

/** A key press that should focus search: Ctrl/Cmd+F anywhere, "/" when not typing in a field. */
export function isSearchShortcut(event: KeyboardEvent): boolean {
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'f') return true;
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return false;
  const target = event.target as HTMLElement | null;
  const tag = target?.tagName?.toLowerCase();
  return !(tag === 'input' || tag === 'textarea' || tag === 'select' || target?.isContentEditable);
}

/** Local midnight of a `yyyy-mm-dd` date input, in ms (what the contract's since/before mean). */
function dayStart(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime() : undefined;
}

interface Props {
  /** Search every mailbox, not only the one shown. */
  allMailboxes: boolean;
  onAllMailboxesChange: (all: boolean) => void;
  active: boolean;
  onSearch: (query: SearchQuery) => void;
  onClose: () => void;
}

export function SearchBar({ allMailboxes, onAllMailboxesChange, active, onSearch, onClose }: Props) {
  const t = useT();
  const styles = useStyles();
  const inputRef = useRef<HTMLInputElement>(null);
  const [text, setText] = useState('');
  const [field, setField] = useState<SearchField>('all');
  const [filters, setFilters] = useState<Record<Filter, boolean>>({ unread: false, flagged: false, hasAttachment: false, toMe: false });
  const [since, setSince] = useState('');
  const [before, setBefore] = useState('');
  const [needsInput, setNeedsInput] = useState(false);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isSearchShortcut(event)) return;
      // A dialog open above the app keeps its own keys.
      if (document.querySelector('[role="dialog"], [role="alertdialog"]')) return;
      event.preventDefault();
      inputRef.current?.focus();
      inputRef.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const submit = (event?: FormEvent, override?: Partial<Record<Filter, boolean>>) => {
    event?.preventDefault();
    const chosen = { ...filters, ...override };
    const query: SearchQuery = {
      text: text.trim(),
      field,
      ...(dayStart(since) !== undefined ? { since: dayStart(since) } : {}),
      // "Before" a day means up to the end of it as the person reads it: before the next midnight.
      ...(dayStart(before) !== undefined ? { before: dayStart(before)! + 24 * 3600 * 1000 } : {}),
      ...Object.fromEntries(Object.entries(chosen).filter(([, on]) => on)),
    };
    const any = searchWords(query.text).length > 0 || Object.values(chosen).some(Boolean) || since !== '' || before !== '';
    setNeedsInput(!any);
    if (any) onSearch(query);
    else if (active) onClose();
  };

  const close = () => {
    setText('');
    setNeedsInput(false);
    setFilters({ unread: false, flagged: false, hasAttachment: false, toMe: false });
    setSince('');
    setBefore('');
    onClose();
  };

  return (
    <form role="search" aria-label={t('search.label')} className={styles.root} onSubmit={submit} autoComplete="off" data-testid="search-bar">
      <SearchBox
        ref={inputRef}
        className={styles.box}
        size="small"
        value={text}
        aria-label={t('search.label')}
        aria-keyshortcuts="Control+F /"
        placeholder={t('search.placeholder')}
        data-testid="search-input"
        onChange={(_e, d) => setText(d.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && active) {
            event.preventDefault();
            close();
          }
        }}
      />
      <Select size="small" aria-label={t('search.field')} value={field} onChange={(_e, d) => setField(d.value as SearchField)} data-testid="search-field">
        {FIELDS.map((f) => (
          <option key={f} value={f}>
            {t(`search.field.${f}` as MessageKey)}
          </option>
        ))}
      </Select>
      <Select
        size="small"
        aria-label={t('search.scope')}
        value={allMailboxes ? 'all' : 'mailbox'}
        onChange={(_e, d) => onAllMailboxesChange(d.value === 'all')}
        data-testid="search-scope"
      >
        <option value="mailbox">{t('search.scope.mailbox')}</option>
        <option value="all">{t('search.scope.all')}</option>
      </Select>
      <div role="group" aria-label={t('search.filters')} className={styles.filters}>
        {FILTERS.map(([filter, icon]) => (
          <ToggleButton
            key={filter}
            size="small"
            icon={icon}
            checked={filters[filter]}
            data-testid={`search-filter-${filter}`}
            onClick={() => {
              const next = !filters[filter];
              setFilters((f) => ({ ...f, [filter]: next }));
              // A quick filter applies at once, like a mail client's filter bar.
              submit(undefined, { [filter]: next });
            }}
          >
            {t(`search.filter.${filter}` as MessageKey)}
          </ToggleButton>
        ))}
      </div>
      <Input className={styles.date} size="small" type="date" aria-label={t('search.since')} value={since} onChange={(_e, d) => setSince(d.value)} />
      <Input className={styles.date} size="small" type="date" aria-label={t('search.before')} value={before} onChange={(_e, d) => setBefore(d.value)} />
      <Button size="small" appearance="primary" type="submit" data-testid="search-submit">
        {t('search.submit')}
      </Button>
      {active ? (
        <Button size="small" icon={<DismissRegular />} onClick={close} data-testid="search-close">
          {t('search.close')}
        </Button>
      ) : null}
      {needsInput ? (
        <p className={styles.hint} role="status">
          {t('search.needsInput')}
        </p>
      ) : null}
    </form>
  );
}
