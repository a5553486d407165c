/**
 * Writing a message: From (the person's own addresses and the team mailboxes they may send as),
 * recipients as chips, subject, text with signatures and saved replies, attachments (picker or
 * drop), the live policy hint and the route choices. A reply or forward starts from what the
 * main process reads from the original (recipients, subject, the quoted root body); a forward as
 * attachment names the original, whose bytes only the main process fetches.
 * Send asks the main process to send exactly the message the hint was computed for (its approval
 * token); any later change needs a new check, so what was shown is what the gate judged.
 * Ctrl+Enter sends. The message itself is built in one place: compose-state.ts `buildOutgoing`.
 * What is typed is autosaved as a draft (useDraftAutosave); a reopened draft starts from its
 * saved state instead of the original's context.
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
  Select,
  Spinner,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import type { OpenedDraftView } from '../../shared/attachment-upload-schema.js';
import type { Policy } from '../../shared/policy-schema.js';
import type { AppError } from '../../shared/result.js';
import { identityKey, type ComposeSettings, type DecisionView, type SendIdentity } from '../../shared/send-schema.js';
import { useApi } from '../api/api-context.js';
import { Bar, ErrorBar } from '../app/ErrorBar.js';
import { useLocale } from '../i18n/LocaleProvider.js';
import { useT } from '../i18n/use-t.js';
import { AttachmentField, useFileDrop } from './AttachmentField.js';
import { buildOutgoing, chipOf, invalidRecipients, newDraftId, outgoingKey, signatureBlock, type ComposeInitial, type ComposeState } from './compose-state.js';
import { ComposeSettingsDialog } from './ComposeSettingsDialog.js';
import { DecisionHints } from './DecisionHints.js';
import { DraftStatus } from './DraftStatus.js';
import { InsertMenu } from './InsertMenu.js';
import { RecipientField } from './RecipientField.js';
import { RouteChooser } from './RouteChooser.js';
import { useDraftAutosave } from './useDraftAutosave.js';
import { uploadAttachments } from './upload-attachment.js';

export type { ComposeInitial } from './compose-state.js';

const useStyles = makeStyles({
  surface: { maxWidth: '56rem', width: '100%' },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  tools: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
});

const HINT_DELAY_MS = 400;
const SEND_SHORTCUT = 'Control+Enter';

/** The composer's state for a reopened draft: recipients as typed, the reply it answers. */
function stateFromDraft(draft: OpenedDraftView): ComposeState {
  const chips = (typed: string) =>
    typed
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .map(chipOf);
  return {
    identity: draft.accountId ? { accountId: draft.accountId } : null,
    to: chips(draft.to),
    cc: chips(draft.cc),
    pendingTo: '',
    pendingCc: '',
    subject: draft.subject,
    text: draft.text,
    attachments: draft.attachments,
    secure: false,
    draftId: draft.draftId,
    ...(draft.replyTo ? { initial: { mode: 'reply' as const, original: draft.replyTo } } : {}),
  };
}

/** What a draft keeps of the composer's state (recipients as typed, so half-written ones too). */
const typedRecipients = (chips: ComposeState['to'], pending: string) => [...chips.map((c) => c.input), ...(pending.trim() ? [pending.trim()] : [])].join(', ');

export function ComposeDialog({
  onClose,
  onQueued,
  initial,
  draft,
}: {
  onClose: () => void;
  onQueued: () => void;
  initial?: ComposeInitial;
  draft?: OpenedDraftView;
}) {
  const api = useApi();
  const t = useT();
  const { locale } = useLocale();
  const styles = useStyles();
  const [identities, setIdentities] = useState<SendIdentity[] | null>(null);
  const [state, setState] = useState<ComposeState>(() =>
    draft
      ? stateFromDraft(draft)
      : {
          identity: null,
          to: [],
          cc: [],
          pendingTo: '',
          pendingCc: '',
          subject: '',
          text: '',
          attachments: [],
          secure: false,
          draftId: newDraftId(),
          ...(initial ? { initial } : {}),
        },
  );
  // A reopened draft already holds what the original's context would give.
  const [loadingOriginal, setLoadingOriginal] = useState(initial !== undefined && !draft);
  const [originalSecure, setOriginalSecure] = useState(false);
  const [composeSettings, setComposeSettings] = useState<ComposeSettings | null>(null);
  const [manageOpen, setManageOpen] = useState(false);
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [justification, setJustification] = useState('');
  const [mobileNumber, setMobileNumber] = useState('');
  const [checked, setChecked] = useState<{ decision: DecisionView; token: string; for: string } | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [sending, setSending] = useState(false);
  /** Files still being handed to the main process: nothing is sent without them. */
  const [uploading, setUploading] = useState(0);
  const textArea = useRef<HTMLTextAreaElement>(null);
  /** The signature block last put in the text, so changing From swaps it rather than adding another. */
  const insertedSignature = useRef('');
  const update = useCallback((change: Partial<ComposeState>) => setState((s) => ({ ...s, ...change })), []);

  // What the dialog was opened with, and the locale then (it picks the first signature): read once, when it opens.
  const openedWith = useEffectEvent(() => ({ draft, initial, locale }));

  // Identities, signatures/templates, the policy's limits, and (for a reply or forward) the original's context: once.
  useEffect(() => {
    let current = true;
    const { draft, initial, locale } = openedWith();
    void (async () => {
      const [ids, settings, policyState, context] = await Promise.all([
        api['send:identities:list']({}),
        api['settings:compose:get']({}),
        api['policy:state:get']({}),
        initial && !draft
          ? api['mail:message:compose-context']({ mailbox: initial.original.mailbox, uid: initial.original.uid, mode: initial.mode })
          : Promise.resolve(null),
      ]);
      if (!current) return;
      if (!ids.ok) return setError(ids.error);
      setIdentities(ids.value);
      if (settings.ok) setComposeSettings(settings.value);
      if (policyState.ok) setPolicy(policyState.value.effective?.policy ?? null);
      if (context && !context.ok) setError(context.error);
      if (draft) {
        // The draft's own text (with whatever signature it had) and sender stay as saved.
        setState((s) => ({
          ...s,
          identity: ids.value.some((i) => i.accountId === s.identity?.accountId) ? s.identity : ids.value[0] ? { accountId: ids.value[0].accountId } : null,
        }));
        return;
      }
      const ctx = context?.ok ? context.value : null;
      const preferred =
        ids.value.find((i) => ctx && i.accountId === ctx.accountId && i.teamMailbox === ctx.teamMailbox) ??
        ids.value.find((i) => i.accountId === (ctx?.accountId ?? initial?.original.mailbox.accountId) && !i.teamMailbox) ??
        ids.value[0];
      const identity = preferred ? { accountId: preferred.accountId, ...(preferred.teamMailbox ? { teamMailbox: preferred.teamMailbox } : {}) } : null;
      const signature = settings.ok && preferred ? signatureFor(settings.value, identityKey(preferred), locale) : '';
      insertedSignature.current = signatureBlock(signature);
      const quoted = ctx?.quoted && (initial?.mode !== 'forward' || initial.forwardMode !== 'attachment') ? `\n\n${ctx.quoted}` : '';
      setOriginalSecure(ctx?.secure ?? false);
      setState((s) => ({
        ...s,
        identity,
        ...(ctx ? { to: ctx.to.map(chipOf), cc: ctx.cc.map(chipOf), subject: ctx.subject } : {}),
        text: `${insertedSignature.current}${quoted}`,
      }));
      setLoadingOriginal(false);
    })();
    return () => {
      current = false;
    };
  }, [api]);

  // The traffic cop: what the team original's handling state was when this reply was opened, compared in main before it leaves.
  const teamBasis = useRef<{ handler: string | null; answered: boolean } | undefined>(undefined);
  const replyOriginal = state.initial && state.initial.mode !== 'forward' && !draft ? state.initial.original : null;
  useEffect(() => {
    if (!replyOriginal) return;
    void api['team:item:get']({ mailbox: replyOriginal.mailbox, uid: replyOriginal.uid }).then((result) => {
      if (result.ok && result.value) teamBasis.current = { handler: result.value.item.handler?.memberId ?? null, answered: result.value.item.answered };
    });
    // Once, as the composer opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const message = useMemo(() => buildOutgoing(state), [state]);
  const key = useMemo(() => outgoingKey(message), [message]);
  const draftContent = useMemo(
    () => ({
      accountId: state.identity?.accountId ?? '',
      to: typedRecipients(state.to, state.pendingTo),
      cc: typedRecipients(state.cc, state.pendingCc),
      subject: state.subject,
      text: state.text,
      attachments: state.attachments.map(({ attachmentId }) => ({ attachmentId })),
      ...(state.initial && state.initial.mode !== 'forward' ? { replyTo: state.initial.original } : {}),
    }),
    [state],
  );
  // The message and its draft share one id: main mints the Message-ID from it.
  const autosave = useDraftAutosave(draftContent, { draftId: state.draftId });

  // The hint follows the draft a moment after typing stops; a stale answer is dropped.
  useEffect(() => {
    if (!message) return;
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
  // Without a message to send there is no decision (an earlier check is not shown).
  const decision = message ? checked?.decision : undefined;
  const subjectBlocked = decision?.blocked.some((b) => b.code === 'subject-finding') ?? false;
  const usesGateway = decision?.recipients.some((r) => r.route === 'gateway') ?? false;
  const maxSizeMb = policy?.attachments.maxSizeMb ?? null;
  const oversized = maxSizeMb !== null && state.attachments.some((a) => a.size > maxSizeMb * 1024 * 1024);
  const invalid = invalidRecipients(state);
  const justificationMissing = decision?.justificationRequired === true && justification.trim().length < (policy?.justification.minLength ?? 1);
  const mobileMissing = usesGateway && policy?.gateway.mobileNumber === 'required' && !/^\+?[0-9 ]{7,20}$/.test(mobileNumber.trim());
  const canSend =
    upToDate &&
    decision?.route !== 'blocked' &&
    !sending &&
    uploading === 0 &&
    invalid.length === 0 &&
    !oversized &&
    !loadingOriginal &&
    !justificationMissing &&
    !mobileMissing;

  const send = async () => {
    if (!message || !checked || !canSend) return;
    setSending(true);
    setError(null);
    try {
      // The draft as sent: a message the server refuses for good still has it.
      await autosave.flush();
      const result = await api['send:submit']({
        message: teamBasis.current ? { ...message, teamBasis: teamBasis.current } : message,
        approval: {
          token: checked.token,
          ...(decision?.justificationRequired && justification.trim() ? { justification: justification.trim() } : {}),
          ...(usesGateway && mobileNumber.trim() ? { mobileNumber: mobileNumber.trim() } : {}),
        },
      });
      if (!result.ok) return setError(result.error);
      autosave.stop();
      onQueued();
    } finally {
      setSending(false);
    }
  };

  const addFiles = (files: File[]) => {
    if (files.length === 0) return;
    setUploading((n) => n + files.length);
    void uploadAttachments(api, files).then(({ added, error: failed }) => {
      setUploading((n) => n - files.length);
      setState((s) => ({ ...s, attachments: [...s.attachments, ...added] }));
      if (failed && !failed.ok) setError(failed.error);
    });
  };
  const drop = useFileDrop(addFiles);

  const insertAtCursor = (snippet: string, kind: 'template' | 'signature') => {
    const area = textArea.current;
    const at = area ? area.selectionStart : state.text.length;
    const piece = kind === 'signature' ? signatureBlock(snippet) : snippet;
    const text = `${state.text.slice(0, at)}${piece}${state.text.slice(area ? area.selectionEnd : at)}`;
    update({ text });
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(at + piece.length, at + piece.length);
    });
  };

  const chooseIdentity = (value: string) => {
    const chosen = identities?.find((i) => identityKey(i) === value);
    if (!chosen) return;
    const next = composeSettings ? signatureBlock(signatureFor(composeSettings, value, locale)) : '';
    // Swap the signature that came with the previous identity (when it is still there unchanged).
    setState((s) => ({
      ...s,
      identity: { accountId: chosen.accountId, ...(chosen.teamMailbox ? { teamMailbox: chosen.teamMailbox } : {}) },
      text:
        insertedSignature.current && s.text.includes(insertedSignature.current)
          ? s.text.replace(insertedSignature.current, next)
          : insertedSignature.current
            ? s.text
            : `${next}${s.text}`,
    }));
    insertedSignature.current = next;
  };

  const opened = state.initial;
  const title = opened
    ? t(`compose.title.${opened.mode === 'forward' ? (opened.forwardMode === 'attachment' ? 'forwardAttachment' : 'forward') : opened.mode}`)
    : t('compose.title');
  const currentIdentity = state.identity ? identityKey(state.identity) : null;

  return (
    <Dialog open onOpenChange={(_e, data) => (data.open ? undefined : onClose())} modalType="modal">
      <DialogSurface
        className={styles.surface}
        data-testid="compose-dialog"
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void send();
          }
        }}
      >
        <DialogBody>
          <DialogTitle>{title}</DialogTitle>
          <DialogContent>
            <form
              autoComplete="off"
              className={styles.form}
              {...drop.handlers}
              onSubmit={(event) => {
                event.preventDefault();
                void send();
              }}
            >
              {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
              {loadingOriginal ? <Spinner size="tiny" label={t('compose.loadingOriginal')} /> : null}
              {originalSecure ? <Bar intent="info">{t('compose.secureConversation')}</Bar> : null}
              {identities === null ? (
                <Spinner size="tiny" label={t('app.loading')} />
              ) : identities.length === 0 ? (
                <p data-testid="compose-no-identity">{t('compose.noIdentity')}</p>
              ) : (
                <Field label={t('compose.from')} hint={state.identity?.teamMailbox ? t('compose.fromTeamHint') : undefined}>
                  <Select value={currentIdentity ?? ''} onChange={(_e, d) => chooseIdentity(d.value)} data-testid="compose-from">
                    {identities.map((i) => (
                      <option key={identityKey(i)} value={identityKey(i)}>
                        {i.name} &lt;{i.address}&gt;{i.teamMailbox ? ` — ${t('compose.teamMailbox')}` : ''}
                      </option>
                    ))}
                  </Select>
                </Field>
              )}
              <RecipientField
                label={t('compose.to')}
                chipsLabel={t('compose.chips.to')}
                chips={state.to}
                pending={state.pendingTo}
                onChange={(to, pendingTo) => update({ to, pendingTo })}
                decision={upToDate ? decision : undefined}
                required
                testId="compose-to"
              />
              <RecipientField
                label={t('compose.cc')}
                chipsLabel={t('compose.chips.cc')}
                chips={state.cc}
                pending={state.pendingCc}
                onChange={(cc, pendingCc) => update({ cc, pendingCc })}
                decision={upToDate ? decision : undefined}
                testId="compose-cc"
              />
              <Field label={t('compose.subject')}>
                <Input value={state.subject} onChange={(_e, d) => update({ subject: d.value })} autoComplete="off" />
              </Field>
              <div className={styles.tools}>
                <InsertMenu settings={composeSettings} identityKey={currentIdentity} onInsert={insertAtCursor} onManage={() => setManageOpen(true)} />
              </div>
              <Field label={t('compose.body')}>
                <Textarea
                  ref={textArea}
                  value={state.text}
                  onChange={(_e, d) => update({ text: d.value })}
                  rows={12}
                  resize="vertical"
                  autoComplete="off"
                  data-testid="compose-text"
                />
              </Field>
              <AttachmentField
                over={drop.over}
                attachments={state.attachments}
                onChange={(change) => setState((s) => ({ ...s, attachments: change(s.attachments) }))}
                onAdd={addFiles}
                uploading={uploading}
                maxSizeMb={maxSizeMb}
                {...(initial?.mode === 'forward' && initial.forwardMode === 'attachment'
                  ? { forwardedOriginal: t('compose.forwardedOriginal', { subject: state.subject.replace(/^Fwd:\s*/, '') }) }
                  : {})}
              />
              {decision ? <DecisionHints decision={decision} bodyText={state.text} /> : null}
              {decision ? (
                <RouteChooser
                  decision={decision}
                  gateway={policy?.gateway ?? null}
                  justificationMin={policy?.justification.minLength ?? 20}
                  secure={state.secure}
                  onSecure={(secure) => update({ secure })}
                  justification={justification}
                  onJustification={setJustification}
                  mobileNumber={mobileNumber}
                  onMobileNumber={setMobileNumber}
                />
              ) : null}
              {invalid.length ? (
                <Bar intent="error" data-testid="invalid-recipients">
                  {t('compose.invalidRecipients', { addresses: invalid.map((c) => c.input).join(', ') })}
                </Bar>
              ) : null}
            </form>
          </DialogContent>
          <DialogActions position="start">
            <DraftStatus status={autosave.status} />
          </DialogActions>
          <DialogActions>
            {upToDate && subjectBlocked ? (
              // The reason and its one-click remedy sit next to Send, not below the fold.
              <span data-testid="send-blocked-subject" role="status">
                {t('compose.subjectVisible')}{' '}
                <Button
                  size="small"
                  data-testid="use-neutral-subject"
                  onClick={() => update({ subject: neutralSubject(state.subject, t('compose.neutralSubject')) })}
                >
                  {t('compose.useNeutralSubject')}
                </Button>
              </span>
            ) : null}
            <Button onClick={onClose}>{t('keys.cancel')}</Button>
            <Button
              appearance="primary"
              data-testid="compose-send"
              aria-keyshortcuts={SEND_SHORTCUT}
              title={t('compose.sendShortcut')}
              disabled={!canSend}
              onClick={() => void send()}
            >
              {sending ? t('compose.sending') : t('compose.send')}
            </Button>
          </DialogActions>
        </DialogBody>
        {manageOpen && identities ? (
          <ComposeSettingsDialog
            identities={identities}
            onClose={() => setManageOpen(false)}
            onSaved={(saved) => {
              setComposeSettings(saved);
              setManageOpen(false);
            }}
          />
        ) : null}
      </DialogSurface>
    </Dialog>
  );
}

/** A subject that says nothing about the client: the reply or forward prefix kept, the rest replaced. */
export function neutralSubject(subject: string, neutral: string): string {
  const prefix = /^((?:(?:re|fwd?|vs|sv|vl|aw|wg)\s*:\s*)+)/i.exec(subject.trim())?.[1] ?? '';
  return `${prefix}${neutral}`;
}

/** The identity's signature in the UI language, else in any language it has one. */
function signatureFor(settings: ComposeSettings, identity: string, locale: string): string {
  const own = settings.signatures.filter((s) => s.identity === identity && s.text.trim());
  return (own.find((s) => s.locale === locale) ?? own[0])?.text ?? '';
}
