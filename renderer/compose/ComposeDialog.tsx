/**
 * Writing a new message: From (the person's own sending addresses), To, Cc, subject, text and
 * attachments, with the policy hint updated a moment after each change. Send asks the main
 * process to send exactly the message the hint was computed for (its approval token); any later
 * change needs a new check, so what was shown is what the gate judged.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, Input, Select, Spinner, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { AttachRegular } from '@fluentui/react-icons';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { MailboxRef } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import type { DecisionView, OutgoingMessageInput } from '../../shared/send-schema.js';
import { useApi } from '../api/api-context.js';
import { ErrorBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';
import { DecisionHints } from './DecisionHints.js';
import type { OpenedDraft } from '../../shared/draft-schema.js';
import { DraftStatus } from './DraftStatus.js';
import { useDraftAutosave } from './useDraftAutosave.js';

const useStyles = makeStyles({
  surface: { maxWidth: '52rem', width: '100%' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  attachments: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
});

const HINT_DELAY_MS = 400;

interface Attachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

const splitAddresses = (text: string) =>
  text
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);

function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}@sinetti.invalid`;
}

async function readAttachment(file: File): Promise<Attachment> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { filename: file.name, contentType: file.type || 'application/octet-stream', contentBase64: btoa(binary) };
}

/** A reply starts with the sender and subject filled in; the original's text is not quoted. */
export interface ComposeInitial {
  to: string;
  subject: string;
  replyTo: { mailbox: MailboxRef; uid: number };
  /** Send from the account the original arrived in. */
  accountId: string;
}

export function ComposeDialog({ onClose, onQueued, initial, draft }: { onClose: () => void; onQueued: () => void; initial?: ComposeInitial; draft?: OpenedDraft }) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [identities, setIdentities] = useState<{ accountId: string; address: string; name: string }[] | null>(null);
  const [accountId, setAccountId] = useState('');
  const [to, setTo] = useState(draft?.to ?? initial?.to ?? '');
  const [cc, setCc] = useState(draft?.cc ?? '');
  const [subject, setSubject] = useState(draft?.subject ?? initial?.subject ?? '');
  const [text, setText] = useState(draft?.text ?? '');
  const [attachments, setAttachments] = useState<Attachment[]>(draft?.attachments ?? []);
  const [justification, setJustification] = useState('');
  const [mobileNumber, setMobileNumber] = useState('');
  const [checked, setChecked] = useState<{ decision: DecisionView; token: string; for: string } | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [sending, setSending] = useState(false);
  const messageId = useRef(draft?.messageId ?? newMessageId());
  const replyTo = draft?.replyTo ?? initial?.replyTo;
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void api['send:identities:list']({}).then((result) => {
      if (!result.ok) return setError(result.error);
      setIdentities(result.value);
      const preferred = result.value.find((i) => i.accountId === (initial?.accountId ?? draft?.accountId)) ?? result.value[0];
      if (preferred) setAccountId(preferred.accountId);
    });
  }, [api, initial?.accountId, draft?.accountId]);

  const message = useMemo<OutgoingMessageInput | null>(() => {
    const toList = splitAddresses(to);
    if (!accountId || toList.length === 0) return null;
    return { accountId, to: toList, cc: splitAddresses(cc), subject, text, attachments, messageId: messageId.current, ...(replyTo ? { replyTo } : {}) };
  }, [accountId, to, cc, subject, text, attachments, replyTo]);
  const autosave = useDraftAutosave({ accountId, to, cc, subject, text, attachments, messageId: messageId.current, ...(replyTo ? { replyTo } : {}) }, draft ? { draftId: draft.draftId } : {});
  const key = useMemo(() => (message ? JSON.stringify({ ...message, attachments: message.attachments?.map((a) => [a.filename, a.contentBase64.length]) }) : ''), [message]);

  // The hint follows the draft a moment after typing stops; a stale answer is dropped.
  useEffect(() => {
    if (!message) return setChecked(null);
    let current = true;
    const timer = setTimeout(() => {
      void api['send:evaluate']({ message }).then((result) => {
        if (!current) return;
        if (result.ok) {
          setChecked({ ...result.value, for: key });
          setError(null);
        } else if (result.error.code !== 'VALIDATION') setError(result.error);
      });
    }, HINT_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, message, key]);

  const upToDate = checked !== null && checked.for === key;
  const decision = checked?.decision;
  const usesGateway = decision?.recipients.some((r) => r.route === 'gateway') ?? false;

  const send = async () => {
    if (!message || !checked || !upToDate) return;
    setSending(true);
    setError(null);
    try {
      await autosave.flush();
      const result = await api['send:submit']({
        message,
        approval: { token: checked.token, ...(justification.trim() ? { justification: justification.trim() } : {}), ...(usesGateway && mobileNumber.trim() ? { mobileNumber: mobileNumber.trim() } : {}) },
      });
      if (!result.ok) return setError(result.error);
      autosave.stop();
      onQueued();
    } finally {
      setSending(false);
    }
  };

  return (
    <Dialog open onOpenChange={(_e, data) => (data.open ? undefined : onClose())} modalType="modal">
      <DialogSurface className={styles.surface} data-testid="compose-dialog">
        <DialogBody>
          <DialogTitle>{replyTo ? t('compose.replyTitle') : t('compose.title')}</DialogTitle>
          <DialogContent>
            <form
              className={styles.form}
              onSubmit={(event) => {
                event.preventDefault();
                void send();
              }}
            >
              {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
              {identities === null ? (
                <Spinner size="tiny" label={t('app.loading')} />
              ) : identities.length === 0 ? (
                <p data-testid="compose-no-identity">{t('compose.noIdentity')}</p>
              ) : (
                <Field label={t('compose.from')}>
                  <Select value={accountId} onChange={(_e, d) => setAccountId(d.value)}>
                    {identities.map((i) => (
                      <option key={i.accountId} value={i.accountId}>
                        {i.name} &lt;{i.address}&gt;
                      </option>
                    ))}
                  </Select>
                </Field>
              )}
              <Field label={t('compose.to')} required hint={t('compose.addressesHint')}>
                <Input value={to} onChange={(_e, d) => setTo(d.value)} type="text" autoComplete="off" spellCheck={false} />
              </Field>
              <Field label={t('compose.cc')}>
                <Input value={cc} onChange={(_e, d) => setCc(d.value)} type="text" autoComplete="off" spellCheck={false} />
              </Field>
              <Field label={t('compose.subject')}>
                <Input value={subject} onChange={(_e, d) => setSubject(d.value)} />
              </Field>
              <Field label={t('compose.body')}>
                <Textarea value={text} onChange={(_e, d) => setText(d.value)} rows={10} resize="vertical" />
              </Field>
              <div className={styles.attachments}>
                <input
                  ref={fileInput}
                  type="file"
                  multiple
                  hidden
                  data-testid="compose-file-input"
                  onChange={(event) => {
                    const files = Array.from(event.target.files ?? []);
                    event.target.value = '';
                    void Promise.all(files.map(readAttachment)).then((read) => setAttachments((list) => [...list, ...read]));
                  }}
                />
                <Button icon={<AttachRegular />} onClick={() => fileInput.current?.click()}>
                  {t('compose.attach')}
                </Button>
                {attachments.map((a, i) => (
                  <Button key={`${a.filename}-${i}`} size="small" appearance="subtle" aria-label={t('compose.removeAttachment', { name: a.filename })} onClick={() => setAttachments((list) => list.filter((_, j) => j !== i))}>
                    {a.filename} ✕
                  </Button>
                ))}
              </div>
              {decision ? <DecisionHints decision={decision} bodyText={text} /> : null}
              {decision?.justificationRequired ? (
                <Field label={t('compose.justification')} required>
                  <Textarea value={justification} onChange={(_e, d) => setJustification(d.value)} rows={2} />
                </Field>
              ) : null}
              {usesGateway ? (
                <Field label={t('compose.mobile')} hint={t('compose.mobileHint')}>
                  <Input value={mobileNumber} onChange={(_e, d) => setMobileNumber(d.value)} type="tel" />
                </Field>
              ) : null}
            </form>
          </DialogContent>
          <DialogActions position="start">
            <DraftStatus status={autosave.status} />
          </DialogActions>
          <DialogActions>
            <Button onClick={onClose}>{t('keys.cancel')}</Button>
            <Button appearance="primary" data-testid="compose-send" disabled={!upToDate || decision?.route === 'blocked' || sending} onClick={() => void send()}>
              {sending ? t('compose.sending') : t('compose.send')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
