/**
 * The audit trail for the person and the registrar or team lead: who accessed a client's messages
 * (by identity code or e-mail address, in a period), exportable as CSV or PDF in the UI language;
 * the person's own activity; and a check that the trail on this workstation is whole. Every lookup
 * and export is itself recorded by main. The identity code typed here is never shown back in the
 * results (they name people, actions and mailboxes only).
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
  Spinner,
  Tab,
  TabList,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import type { AuditLookupResult, AuditRow } from '../../shared/audit-schema.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { Bar, ErrorBar } from '../app/ErrorBar.js';
import { useLocale } from '../i18n/LocaleProvider.js';
import { useT } from '../i18n/use-t.js';
import { saveAttachment } from '../message/save-attachment.js';

const useStyles = makeStyles({
  surface: { maxWidth: '60rem', width: '100%' },
  form: { display: 'grid', gridTemplateColumns: '2fr 1fr 1fr auto', gap: tokens.spacingHorizontalM, alignItems: 'end' },
  table: { borderCollapse: 'collapse', width: '100%', fontSize: tokens.fontSizeBase200, marginTop: tokens.spacingVerticalM },
  cell: {
    textAlign: 'start',
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    verticalAlign: 'top',
  },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalM, flexWrap: 'wrap' },
  section: { marginTop: tokens.spacingVerticalL },
});

const DAY = 24 * 60 * 60 * 1000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOf = (day: string) => Date.parse(`${day}T00:00:00`);
const endOf = (day: string) => Date.parse(`${day}T23:59:59.999`);

type Tab = 'lookup' | 'own' | 'verify';

export function AuditDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const { locale } = useLocale();
  const [tab, setTab] = useState<Tab>('lookup');
  const [term, setTerm] = useState('');
  const [from, setFrom] = useState(() => isoDay(Date.now() - 365 * DAY));
  const [to, setTo] = useState(() => isoDay(Date.now()));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [result, setResult] = useState<AuditLookupResult | null>(null);
  const [own, setOwn] = useState<AuditRow[] | null>(null);
  const [verification, setVerification] = useState<{ ok: boolean; records: number; problems: { kind: string; message: string }[] } | null>(null);
  const period = { from: startOf(from), to: endOf(to) };
  const periodValid = Number.isFinite(period.from) && Number.isFinite(period.to) && period.from <= period.to;

  const run = async <T,>(call: () => Promise<{ ok: true; value: T } | { ok: false; error: AppError }>, done: (value: T) => void) => {
    setBusy(true);
    setError(null);
    const answer = await call();
    setBusy(false);
    if (answer.ok) done(answer.value);
    else setError(answer.error);
  };

  const search = () => run(() => api['audit:lookup']({ term, ...period }), setResult);
  const exportAs = (format: 'csv' | 'pdf') =>
    run(
      () => api['audit:export']({ term, ...period, format, locale }),
      (file) => saveAttachment({ filename: file.filename, mimeType: file.mimeType, contentBase64: file.contentBase64 }),
    );

  const rows = (list: AuditRow[], testId: string) =>
    list.length === 0 ? (
      <p data-testid={`${testId}-none`}>{t('audit.none')}</p>
    ) : (
      <table className={styles.table} data-testid={testId}>
        <thead>
          <tr>
            {(['time', 'person', 'action', 'mailbox', 'outcome'] as const).map((c) => (
              <th key={c} className={styles.cell} scope="col">
                {t(`audit.col.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {list.map((row) => (
            <tr key={row.seq} data-action={row.action}>
              <td className={styles.cell}>{new Date(row.at).toLocaleString(locale)}</td>
              <td className={styles.cell}>{row.person}</td>
              <td className={styles.cell}>{row.action}</td>
              <td className={styles.cell}>{row.mailbox ?? '—'}</td>
              <td className={styles.cell}>{row.outcome}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );

  return (
    <Dialog open onOpenChange={(_e, data) => (data.open ? undefined : onClose())} modalType="modal">
      <DialogSurface className={styles.surface} data-testid="audit-dialog">
        <DialogBody>
          <DialogTitle>{t('audit.title')}</DialogTitle>
          <DialogContent tabIndex={0} role="region" aria-label={t('audit.title')}>
            <TabList selectedValue={tab} onTabSelect={(_e, data) => setTab(data.value as Tab)}>
              <Tab value="lookup" data-testid="audit-tab-lookup">
                {t('audit.tab.lookup')}
              </Tab>
              <Tab value="own" data-testid="audit-tab-own">
                {t('audit.tab.own')}
              </Tab>
              <Tab value="verify" data-testid="audit-tab-verify">
                {t('audit.tab.verify')}
              </Tab>
            </TabList>
            {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
            {tab !== 'verify' ? (
              <form
                className={styles.form}
                onSubmit={(event) => {
                  event.preventDefault();
                  if (tab === 'lookup') void search();
                  else void run(() => api['audit:own'](period), setOwn);
                }}
              >
                {tab === 'lookup' ? (
                  <Field label={t('audit.term')} hint={t('audit.termHint')}>
                    <Input data-testid="audit-term" value={term} onChange={(_e, d) => setTerm(d.value)} autoComplete="off" />
                  </Field>
                ) : (
                  <span />
                )}
                <Field label={t('audit.from')}>
                  <Input data-testid="audit-from" type="date" value={from} onChange={(_e, d) => setFrom(d.value)} />
                </Field>
                <Field label={t('audit.to')}>
                  <Input data-testid="audit-to" type="date" value={to} onChange={(_e, d) => setTo(d.value)} />
                </Field>
                <Button
                  data-testid="audit-search"
                  appearance="primary"
                  type="submit"
                  disabled={busy || !periodValid || (tab === 'lookup' && term.trim().length < 3)}
                >
                  {t('audit.search')}
                </Button>
              </form>
            ) : null}
            {busy ? <Spinner size="small" label={t('app.loading')} /> : null}
            {tab === 'lookup' && result ? (
              <section className={styles.section} aria-live="polite" data-testid="audit-result">
                <p>{t('audit.count', { count: result.rows.length })}</p>
                {result.olderThanTwoYears > 0 ? <Bar intent="warning">{t('audit.older', { count: result.olderThanTwoYears })}</Bar> : null}
                {result.localKey ? <Bar intent="info">{t('audit.localKey')}</Bar> : null}
                {rows(result.rows, 'audit-rows')}
                <div className={styles.actions}>
                  <Button data-testid="audit-export-csv" disabled={busy} onClick={() => void exportAs('csv')}>
                    {t('audit.exportCsv')}
                  </Button>
                  <Button data-testid="audit-export-pdf" disabled={busy} onClick={() => void exportAs('pdf')}>
                    {t('audit.exportPdf')}
                  </Button>
                </div>
              </section>
            ) : null}
            {tab === 'own' && own ? (
              <section className={styles.section} aria-live="polite">
                {rows(own, 'audit-own-rows')}
              </section>
            ) : null}
            {tab === 'verify' ? (
              <section className={styles.section} aria-live="polite">
                <Button data-testid="audit-verify" disabled={busy} onClick={() => void run(() => api['audit:verify']({}), setVerification)}>
                  {t('audit.verify')}
                </Button>
                {verification ? (
                  <Bar intent={verification.ok ? 'success' : 'error'} data-testid="audit-verification" data-ok={String(verification.ok)}>
                    {verification.ok ? t('audit.verifyOk', { count: verification.records }) : t('audit.verifyProblems')}
                    {verification.problems.length ? (
                      <ul>
                        {verification.problems.map((p, i) => (
                          <li key={i} data-kind={p.kind}>
                            {p.message}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </Bar>
                ) : null}
              </section>
            ) : null}
          </DialogContent>
          <DialogActions>
            <Button data-testid="audit-close" onClick={onClose}>
              {t('audit.close')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
