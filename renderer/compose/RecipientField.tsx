/**
 * A recipient box: typed or pasted addresses become chips (on Enter, comma, semicolon, Tab or
 * leaving the box), suggestions come from the main process as the person types (recent
 * correspondents and the mailbox's senders — addresses only). Each chip says whether the address
 * checked out (the same parser rules the main process enforces again), whether an accepted
 * OpenPGP key exists and which route the current decision takes for it.
 * Keyboard: ArrowDown/ArrowUp through suggestions, Enter picks, Escape closes, Backspace in an
 * empty box removes the last chip; each chip's remove button is in the Tab order.
 */
import { Field, Input, Tag, TagGroup, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { KeyRegular, WarningRegular } from '@fluentui/react-icons';
import { useEffect, useId, useState } from 'react';
import { lookalikeAddress } from '../../shared/lookalike-domain.js';
import { splitRecipients } from '../../shared/outgoing-address.js';
import type { DecisionView } from '../../shared/send-schema.js';
import { useApi } from '../api/api-context.js';
import { LookalikeDomainBar } from '../app/LookalikeDomainBar.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { useT } from '../i18n/use-t.js';
import { useKnownDomains } from '../policy/use-known-domains.js';
import { chipOf, type RecipientChip } from './compose-state.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, position: 'relative' },
  tags: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
  list: {
    position: 'absolute',
    top: '100%',
    insetInlineStart: 0,
    zIndex: 10,
    margin: 0,
    padding: tokens.spacingVerticalXS,
    listStyle: 'none',
    minWidth: '20rem',
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow16,
  },
  option: { padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`, cursor: 'pointer', borderRadius: tokens.borderRadiusSmall },
  active: { backgroundColor: tokens.colorNeutralBackground1Selected, outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}` },
});

const SUGGEST_DELAY_MS = 150;

interface Props {
  label: string;
  chipsLabel: string;
  chips: RecipientChip[];
  pending: string;
  onChange: (chips: RecipientChip[], pending: string) => void;
  decision: DecisionView | undefined;
  required?: boolean;
  testId: string;
}

export function RecipientField({ label, chipsLabel, chips, pending, onChange, decision, required, testId }: Props) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const listId = useId();
  const [suggestions, setSuggestions] = useState<{ name: string; address: string }[]>([]);
  const [active, setActive] = useState(-1);
  const known = useKnownDomains();

  const query = pending.trim();
  // Too short, or already a list of addresses: nothing to suggest (and earlier suggestions are not shown).
  const searchable = query.length >= 2 && !/[,;]/.test(query);

  useEffect(() => {
    if (!searchable) return;
    let current = true;
    const timer = setTimeout(() => {
      void api['send:correspondents:suggest']({ query }).then((result) => {
        if (!current || !result.ok) return;
        const taken = new Set(chips.flatMap((c) => (c.check.ok ? [c.check.address.ascii] : [])));
        setSuggestions(result.value.filter((s) => !taken.has(s.address)));
        setActive(-1);
      });
    }, SUGGEST_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, query, searchable, chips]);

  const commit = (text: string) => {
    const added = splitRecipients(text).map((check) => ({ input: check.ok ? check.address.display : check.input.trim(), check }));
    if (added.length) onChange([...chips, ...added], '');
    setSuggestions([]);
  };
  const pick = (s: { name: string; address: string }) => {
    onChange([...chips, chipOf(s.address)], '');
    setSuggestions([]);
  };
  const open = searchable && suggestions.length > 0;

  return (
    <div className={styles.root}>
      {chips.length ? (
        <TagGroup
          aria-label={chipsLabel}
          className={styles.tags}
          data-testid={`${testId}-chips`}
          onDismiss={(_e, data) =>
            onChange(
              chips.filter((_, i) => String(i) !== data.value),
              pending,
            )
          }
        >
          {chips.map((chip, i) => (
            <RecipientTag key={`${chip.input}-${i}`} chip={chip} value={String(i)} decision={decision} known={known} />
          ))}
        </TagGroup>
      ) : null}
      <LookalikeDomainBar addresses={chips.flatMap((c) => (c.check.ok ? [c.check.address.display] : []))} known={known} testId={`${testId}-lookalike`} />
      <Field label={label} required={required} hint={t('compose.addressesHint')}>
        <Input
          data-testid={`${testId}-input`}
          value={pending}
          type="text"
          autoComplete="off"
          spellCheck={false}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open && active >= 0 ? `${listId}-${active}` : undefined}
          onChange={(_e, d) => {
            // A pasted list, or a separator typed at the end: make chips at once.
            if (/[,;\n]\s*$/.test(d.value) || (d.value.length - pending.length > 1 && /[,;\n]/.test(d.value))) commit(d.value);
            else onChange(chips, d.value);
          }}
          onBlur={() => {
            if (pending.trim()) commit(pending);
          }}
          onKeyDown={(event) => {
            if (event.key === 'ArrowDown' && open) {
              event.preventDefault();
              setActive((a) => (a + 1) % suggestions.length);
            } else if (event.key === 'ArrowUp' && open) {
              event.preventDefault();
              setActive((a) => (a <= 0 ? suggestions.length - 1 : a - 1));
            } else if (event.key === 'Escape' && open) {
              // Close the list, not the dialog.
              event.preventDefault();
              event.stopPropagation();
              setSuggestions([]);
            } else if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
              if (open && active >= 0) {
                event.preventDefault();
                pick(suggestions[active]!);
              } else if (pending.trim()) {
                event.preventDefault();
                commit(pending);
              }
            } else if (event.key === 'Backspace' && !pending && chips.length) {
              onChange(chips.slice(0, -1), '');
            }
          }}
        />
      </Field>
      {open ? (
        <ul id={listId} role="listbox" aria-label={t('compose.suggestions')} className={styles.list} data-testid={`${testId}-suggestions`}>
          {suggestions.map((s, i) => (
            <li
              key={s.address}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={mergeClasses(styles.option, i === active && styles.active)}
              data-testid="recipient-suggestion"
              // Keep focus in the box: the pick happens before blur would commit the typed text.
              onMouseDown={(event) => {
                event.preventDefault();
                pick(s);
              }}
            >
              {s.name ? `${s.name} <${s.address}>` : s.address}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function RecipientTag({ chip, value, decision, known }: { chip: RecipientChip; value: string; decision: DecisionView | undefined; known: readonly string[] }) {
  const t = useT();
  if (!chip.check.ok) {
    const problem = t(`compose.address.${chip.check.problem}` as MessageKey);
    return (
      <Tag
        value={value}
        dismissible
        appearance="outline"
        icon={<WarningRegular />}
        data-testid="recipient-chip"
        data-valid="false"
        dismissIcon={{ 'aria-label': t('compose.removeRecipient', { address: chip.input }) }}
        secondaryText={problem}
      >
        {chip.input}
      </Tag>
    );
  }
  const { ascii, display } = chip.check.address;
  const route = decision?.recipients.find((r) => r.address === ascii);
  const key = route ? (route.hasKey ? t('compose.chip.hasKey') : t('compose.chip.noKey')) : t('compose.chip.checking');
  // The full explanation is in the bar under the chips; the chip itself carries the mark.
  const lookalike = lookalikeAddress(ascii, known) !== null;
  const secondary = [route ? `${t(`compose.recipient.${route.route}`)} · ${key}` : key, ...(lookalike ? [t('compose.chip.lookalike')] : [])].join(' · ');
  return (
    <Tag
      value={value}
      dismissible
      appearance={route?.route === 'blocked' ? 'outline' : 'brand'}
      icon={lookalike ? <WarningRegular /> : route?.hasKey ? <KeyRegular /> : undefined}
      data-testid="recipient-chip"
      data-valid="true"
      data-address={ascii}
      data-route={route?.route ?? ''}
      data-has-key={route ? String(route.hasKey) : ''}
      data-lookalike={String(lookalike)}
      title={ascii !== display ? ascii : undefined}
      dismissIcon={{ 'aria-label': t('compose.removeRecipient', { address: display }) }}
      secondaryText={secondary}
    >
      {display}
    </Tag>
  );
}
