/**
 * The live policy hint under the composer, like a DLP policy tip: how the message would leave
 * right now, what was found where (masked), and the route for each recipient. Advice only — the
 * send gate in the main process decides again on the final message.
 */
import { Badge, Button, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { displayAddress } from '../../shared/outgoing-address.js';
import type { DecisionView } from '../../shared/send-schema.js';
import { useApi } from '../api/api-context.js';
import { Bar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL },
  recipients: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, listStyle: 'none', padding: 0, margin: 0 },
  quote: {
    whiteSpace: 'pre-wrap',
    margin: 0,
    padding: tokens.spacingHorizontalS,
    borderLeft: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke1}`,
  },
});

type Finding = DecisionView['findings'][number];

/** The message text with what was found marked, so the person sees exactly what to move or remove. */
function HighlightedBody({ text, findings }: { text: string; findings: Finding[] }) {
  const t = useT();
  const styles = useStyles();
  // Offsets refer to the text exactly as written (the detectors map their canonical text back to it).
  const source = text;
  const spans = findings.filter((f) => f.where.part === 'body' && f.where.index === 0).sort((a, b) => a.start - b.start);
  if (spans.length === 0) return null;
  const parts: (string | { text: string; key: number })[] = [];
  let at = 0;
  spans.forEach((f, i) => {
    if (f.start < at) return;
    parts.push(source.slice(at, f.start), { text: source.slice(f.start, f.end), key: i });
    at = f.end;
  });
  parts.push(source.slice(at));
  return (
    <blockquote data-testid="highlighted-body" aria-label={t('compose.highlighted')} className={styles.quote}>
      {parts.map((p, i) => (typeof p === 'string' ? <span key={`t${i}`}>{p}</span> : <mark key={`m${p.key}`}>{p.text}</mark>))}
    </blockquote>
  );
}

/**
 * "This is wrong": the person reports the findings as a false positive. It unblocks nothing; the
 * report goes to the audit trail with identifiers only (what fired, how sure, where), for IT.
 */
function ReportFalsePositive({ findings }: { findings: Finding[] }) {
  const api = useApi();
  const t = useT();
  const [state, setState] = useState<'idle' | 'sending' | 'reported' | 'failed'>('idle');
  const report = async () => {
    setState('sending');
    const result = await api['policy:false-positive:report']({
      findings: findings.slice(0, 50).map((f) => ({ detector: f.detector, label: f.label, confidence: f.confidence, part: f.where.part })),
    });
    setState(result.ok ? 'reported' : 'failed');
  };
  if (state === 'reported') return <p data-testid="false-positive-reported">{t('compose.falsePositiveReported')}</p>;
  return (
    <div>
      <Button size="small" data-testid="report-false-positive" disabled={state === 'sending'} onClick={() => void report()}>
        {t('compose.reportFalsePositive')}
      </Button>
      {state === 'failed' ? <p role="alert">{t('compose.falsePositiveFailed')}</p> : null}
    </div>
  );
}

export function DecisionHints({ decision, bodyText }: { decision: DecisionView; bodyText: string }) {
  const t = useT();
  const styles = useStyles();
  const where = (f: Finding) =>
    f.where.part === 'attachment' ? t('compose.where.attachment', { name: f.where.filename }) : t(`compose.where.${f.where.part}`);
  const intent = decision.route === 'blocked' ? 'error' : decision.route === 'plain' && !decision.justificationRequired ? 'success' : 'warning';
  return (
    <div className={styles.root} data-testid="decision-hints" data-route={decision.route} aria-live="polite">
      <Bar intent={intent} title={t(`compose.route.${decision.route}`)}>
        {decision.blocked.map((b) => (
          <p key={b.code} data-testid={`blocked-${b.code}`}>
            {b.code === 'subject-finding'
              ? t('compose.blocked.subject', { found: b.findings.map((f) => f.masked).join(', ') })
              : b.code === 'recipient-unreachable'
                ? t('compose.blocked.unreachable', { addresses: b.addresses.map(displayAddress).join(', ') })
                : b.code === 'attachment-too-large'
                  ? t('compose.blocked.tooLarge', { files: b.filenames.join(', '), max: b.maxSizeMb })
                  : t('compose.blocked.noRecipients')}
          </p>
        ))}
        {decision.justificationRequired ? <p>{t('compose.justificationNeeded')}</p> : null}
      </Bar>
      {decision.findings.length ? (
        <section aria-label={t('compose.findings')}>
          <ul className={styles.list} data-testid="findings">
            {decision.findings.map((f, i) => (
              <li key={i} data-detector={f.detector}>
                <mark>{f.masked}</mark> — {t(`compose.detector.${f.detector}`)}, {where(f)} ({t(`compose.confidence.${f.confidence}`)})
              </li>
            ))}
          </ul>
          <ReportFalsePositive findings={decision.findings} />
        </section>
      ) : null}
      <HighlightedBody text={bodyText} findings={decision.findings} />
      {decision.notScanned.length ? (
        <p data-testid="not-scanned">{t('compose.notScanned', { files: decision.notScanned.map((n) => n.filename).join(', ') })}</p>
      ) : null}
      <ul className={styles.recipients} aria-label={t('compose.recipientRoutes')}>
        {decision.recipients.map((r) => (
          <li key={r.address} data-testid="recipient-route" data-address={r.address} data-route={r.route} data-has-key={String(r.hasKey)}>
            <Badge appearance="tint" color={r.route === 'blocked' ? 'danger' : r.route === 'plain' ? 'informative' : 'success'}>
              {displayAddress(r.address)}: {t(`compose.recipient.${r.route}`)}
              {r.hasKey ? ` · ${t('compose.recipient.hasKey')}` : ''}
            </Badge>
          </li>
        ))}
      </ul>
    </div>
  );
}
