/**
 * Who handles a team message, drawn by the app above the message: claim, release, status (done is
 * one keystroke, D), take-over with a written reason, reassignment by the lead, and the history.
 * The state comes from the main process (`team:item:get`) and is re-read whenever anyone changes
 * the team's state (`team-changed`, pushed through IDLE).
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  makeStyles,
  Select,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import type { MailboxRef } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import type { TeamItemStatus, TeamItemView } from '../../shared/team-work-schema.js';
import { useApi } from '../api/api-context.js';
import { Bar, ErrorBar } from '../app/ErrorBar.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center', marginTop: tokens.spacingVerticalXS },
  history: { margin: 0, paddingLeft: tokens.spacingHorizontalL, fontSize: tokens.fontSizeBase200 },
});

const STATUSES: TeamItemStatus[] = ['new', 'in-progress', 'waiting', 'done'];

interface Props {
  mailbox: MailboxRef;
  uid: number;
  /** The content was withheld: someone else handles this secured message. */
  withheld: boolean;
  /** The state changed so that the person may now read the message (after a claim or take-over). */
  onMayRead: () => void;
  /** Opens the composer to ask the handler for the message. */
  onAsk?: (handler: string) => void;
}

export function TeamClaimBar({ mailbox, uid, withheld, onMayRead, onAsk }: Props) {
  const api = useApi();
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const [state, setState] = useState<TeamItemView | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [dialog, setDialog] = useState<'take-over' | 'reassign' | null>(null);
  const [reason, setReason] = useState('');
  const [reassignTo, setReassignTo] = useState('');
  const [busy, setBusy] = useState(false);
  const { accountId, path } = mailbox;

  // Bumped to read the state again: after the person's own change, and when anyone changed the team's state.
  const [version, setVersion] = useState(0);
  const load = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let cancelled = false;
    void api['team:item:get']({ mailbox: { accountId, path }, uid }).then((result) => {
      if (cancelled) return;
      if (!result.ok) return setError(result.error);
      setState(result.value);
    });
    return () => {
      cancelled = true;
    };
  }, [api, accountId, path, uid, version]);

  const team = state?.team.team;
  useEffect(
    () =>
      api.onMailEvent((event) => {
        if (event.type === 'team-changed' && event.accountId === accountId && event.team === team) load();
      }),
    [api, accountId, team, load],
  );

  const mine = state !== null && state.item.handler?.memberId === state.me;
  const handler = state?.item.handler ?? null;

  const change = useCallback(
    async (run: () => ReturnType<(typeof api)['team:item:claim']>) => {
      setBusy(true);
      setError(null);
      try {
        const result = await run();
        if (!result.ok) return setError(result.error);
        if (!result.value.applied) setError({ code: 'TEAM_ITEM_TAKEN', message: '' });
        load();
        if (result.value.item.handler?.memberId && state && result.value.item.handler.memberId === state.me && withheld) onMayRead();
      } finally {
        setBusy(false);
      }
    },
    [load, onMayRead, state, withheld],
  );

  const setStatus = useCallback(
    (status: TeamItemStatus) => void change(() => api['team:item:status']({ mailbox: { accountId, path }, uid, status })),
    [api, change, accountId, path, uid],
  );

  // D: done, one keystroke (only for the handler, never while typing or with a dialog open).
  useEffect(() => {
    if (!mine || state?.item.status === 'done') return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || event.key.toLowerCase() !== 'd' || event.shiftKey) return;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (document.querySelector('[role="dialog"][aria-modal="true"], [role="alertdialog"]')) return;
      event.preventDefault();
      setStatus('done');
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [mine, state?.item.status, setStatus]);

  if (!state) return error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null;
  const time = (ms: number) => intl.formatTime(ms, { hour: '2-digit', minute: '2-digit' });
  const who = (id: string) => (id === state.me ? t('team.claim.youShort') : id);

  return (
    <div data-testid="team-claim" data-handler={handler?.memberId ?? ''} data-status={state.item.status}>
      <Bar intent={handler && !mine ? 'warning' : 'info'}>
        <span data-testid="team-claim-text">
          {handler
            ? mine
              ? t('team.claim.mine', { since: time(handler.since) })
              : t('team.claim.handledBy', { member: handler.memberId, since: time(handler.since) })
            : t('team.claim.unhandled')}
        </span>
        {withheld ? <div data-testid="team-claim-withheld">{t('team.claim.withheld')}</div> : null}
        <div className={styles.actions}>
          {!handler ? (
            <Button size="small" disabled={busy} onClick={() => void change(() => api['team:item:claim']({ mailbox: { accountId, path }, uid }))}>
              {t('team.claim.claim')}
            </Button>
          ) : null}
          {mine ? (
            <>
              <Field label={t('team.status.label')} orientation="horizontal">
                <Select
                  size="small"
                  value={state.item.status}
                  disabled={busy}
                  data-testid="team-status"
                  onChange={(_e, data) => setStatus(data.value as TeamItemStatus)}
                >
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(`team.status.${s}` as MessageKey)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Button size="small" disabled={busy || state.item.status === 'done'} aria-keyshortcuts="D" onClick={() => setStatus('done')}>
                {t('team.status.markDone')}
              </Button>
              <Button size="small" disabled={busy} onClick={() => void change(() => api['team:item:release']({ mailbox: { accountId, path }, uid }))}>
                {t('team.claim.release')}
              </Button>
            </>
          ) : null}
          {handler && !mine ? (
            <>
              <Button size="small" disabled={busy} data-testid="team-take-over" onClick={() => setDialog('take-over')}>
                {t('team.claim.takeOver')}
              </Button>
              {onAsk ? (
                <Button size="small" disabled={busy} onClick={() => onAsk(handler.memberId)}>
                  {t('team.claim.ask')}
                </Button>
              ) : null}
            </>
          ) : null}
          {state.isLead ? (
            <Button size="small" disabled={busy} onClick={() => setDialog('reassign')}>
              {t('team.claim.reassign')}
            </Button>
          ) : null}
        </div>
      </Bar>
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      {state.item.history.length ? (
        <details>
          <summary>{t('team.history.title')}</summary>
          <ol className={styles.history} data-testid="team-history">
            {state.item.history.map((h, i) => (
              <li key={i}>
                {time(h.at)}{' '}
                {t(`team.history.${h.action}` as MessageKey, {
                  by: who(h.by),
                  to: h.to ? who(h.to) : '',
                  status: h.status ? t(`team.status.${h.status}` as MessageKey) : '',
                })}
              </li>
            ))}
            {state.notes.map((n, i) => (
              <li key={`note-${i}`}>
                {time(n.at)} {t('team.history.reason', { by: who(n.by), reason: n.text ?? t('team.history.reasonSealed') })}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {/* Mounted only while open: a closed modal Dialog still leaves Tabster's focus guards in the page. */}
      {dialog !== null ? (
        <Dialog open onOpenChange={(_e, data) => (data.open ? undefined : setDialog(null))} modalType="modal">
          <DialogSurface data-testid="team-dialog">
            <DialogBody>
              <DialogTitle>{dialog === 'reassign' ? t('team.claim.reassign') : t('team.claim.takeOver')}</DialogTitle>
              <DialogContent>
                {dialog === 'reassign' ? (
                  <Field label={t('team.claim.reassignTo')} required>
                    <Input type="email" value={reassignTo} onChange={(_e, d) => setReassignTo(d.value)} data-testid="team-reassign-to" />
                  </Field>
                ) : (
                  <Field label={t('team.claim.reason')} hint={t('team.claim.reasonHint')} required>
                    <Textarea value={reason} maxLength={1000} onChange={(_e, d) => setReason(d.value)} data-testid="team-take-over-reason" />
                  </Field>
                )}
              </DialogContent>
              <DialogActions>
                <Button appearance="secondary" onClick={() => setDialog(null)}>
                  {t('team.claim.cancel')}
                </Button>
                <Button
                  appearance="primary"
                  data-testid="team-dialog-confirm"
                  disabled={busy || (dialog === 'reassign' ? !reassignTo.trim() : !reason.trim())}
                  onClick={() => {
                    const from = handler?.memberId ?? null;
                    const kind = dialog;
                    setDialog(null);
                    void change(() =>
                      kind === 'reassign'
                        ? api['team:item:reassign']({ mailbox: { accountId, path }, uid, from, to: reassignTo.trim() })
                        : api['team:item:take-over']({ mailbox: { accountId, path }, uid, from, reason: reason.trim() }),
                    );
                    setReason('');
                  }}
                >
                  {dialog === 'reassign' ? t('team.claim.reassign') : t('team.claim.takeOver')}
                </Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      ) : null}
    </div>
  );
}
