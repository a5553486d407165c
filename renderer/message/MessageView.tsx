import { CryptoStatusBar } from './CryptoStatusBar.js';
import { makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { useEffect, useEffectEvent, useState } from 'react';
import type { ComposeInitial } from '../compose/compose-state.js';
import type { MailboxGroup, MailboxRef, MessageView as MessageViewData } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { Bar, ErrorBar } from '../app/ErrorBar.js';
import { LookalikeDomainBar } from '../app/LookalikeDomainBar.js';
import type { MessageKey } from '../i18n/catalogs.js';
import { useT } from '../i18n/use-t.js';
import { mailboxDisplayName } from '../mailboxes/mailbox-name.js';
import { useKnownDomains } from '../policy/use-known-domains.js';
import { AttachmentList } from './AttachmentList.js';
import { HtmlBody } from './HtmlBody.js';
import { KeyOfferBar } from './KeyOfferBar.js';
import { LinkConfirmDialog } from './LinkConfirmDialog.js';
import { MessageHeader } from './MessageHeader.js';
import { MessageToolbar } from './MessageToolbar.js';
import { identityNeedsNotice, SenderIdentityBar, UnopenedPartsBar } from './SenderIdentityBar.js';
import { SignedSegments } from './SignedSegments.js';
import { TeamClaimBar } from './TeamClaimBar.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, padding: tokens.spacingHorizontalL },
  text: {
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    margin: 0,
  },
});

export interface MessageRemoved {
  key: MessageKey;
  values?: Record<string, string>;
}

interface Props {
  mailbox: MailboxRef;
  uid: number;
  groups: MailboxGroup[];
  /** Flags changed (including the implicit \Seen of opening): the list should refresh. */
  onFlagsChanged: () => void;
  onRemoved: (notice: MessageRemoved) => void;
  /** Opens the composer for a reply, reply-all or forward of the message on screen. */
  onCompose?: (initial: ComposeInitial) => void;
}

/** Typing in a field, or a dialog open over the view: the single-letter shortcuts are not ours. */
function shortcutTarget(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return false;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return false;
  return document.querySelector('[role="dialog"][aria-modal="true"], [role="alertdialog"]') === null;
}

/** Each opened message gets a view of its own: nothing of the previous one (content, errors, a link prompt) carries over. */
export function MessageView(props: Props) {
  return <OpenedMessage key={JSON.stringify([props.mailbox.accountId, props.mailbox.path, props.uid])} {...props} />;
}

function OpenedMessage({ mailbox, uid, groups, onFlagsChanged, onRemoved, onCompose }: Props) {
  const api = useApi();
  const knownDomains = useKnownDomains();
  const t = useT();
  const styles = useStyles();
  const teamLabel = groups.find((g) => g.kind === 'team' && g.accountId === mailbox.accountId && g.mailboxes.some((m) => m.path === mailbox.path))?.label;
  const [view, setView] = useState<MessageViewData | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [actionError, setActionError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [linkUrl, setLinkUrl] = useState<string | null>(null);
  // Opened again after a claim or take-over made the person the handler of a withheld message.
  const [openCount, setOpenCount] = useState(0);
  const { accountId, path } = mailbox;

  // A notification, not an input: opening again when the parent's callback changes would loop.
  const flagsChanged = useEffectEvent(onFlagsChanged);

  useEffect(() => {
    let cancelled = false;
    void api['mail:message:open']({ mailbox: { accountId, path }, uid }).then((result) => {
      if (cancelled) return;
      if (!result.ok) return setLoadError(result.error);
      setView(result.value);
      // Opening marks the message \Seen on the server (message-loader): show that in the list.
      flagsChanged();
    });
    return () => {
      cancelled = true;
    };
  }, [api, accountId, path, uid, openCount]);

  // A secured team message someone else handles: main refused it before decrypting anything.
  const withheld = loadError?.code === 'TEAM_ITEM_TAKEN';
  const reopen = () => {
    setLoadError(null);
    setView(null);
    setOpenCount((n) => n + 1);
  };

  const ownGroups = groups.filter((g) => g.accountId === accountId);
  const current = ownGroups.flatMap((g) => g.mailboxes).find((m) => m.path === path);
  // Team mail moves only within the team's own folders (and personal mail within the person's):
  // moving client mail into a personal folder would take it out of the team's access rights.
  const sameOwner = ownGroups.filter((g) => g.mailboxes.some((m) => m.path === path));
  const folderName = (target: string) => {
    const box = ownGroups.flatMap((g) => g.mailboxes).find((m) => m.path === target);
    return box ? mailboxDisplayName(t, box) : target;
  };

  const act = async (run: () => Promise<AppError | null>) => {
    setBusy(true);
    setActionError(null);
    try {
      const error = await run();
      if (error) setActionError(error);
    } finally {
      setBusy(false);
    }
  };

  const setFlags = (change: { seen?: boolean; flagged?: boolean }) =>
    void act(async () => {
      const result = await api['mail:message:flags:set']({ mailbox: { accountId, path }, uids: [uid], ...change });
      if (!result.ok) return result.error;
      setView((v) => (v ? { ...v, flags: { ...v.flags, ...change } } : v));
      onFlagsChanged();
      return null;
    });

  const move = (destination: string) =>
    void act(async () => {
      const result = await api['mail:message:move']({ mailbox: { accountId, path }, uids: [uid], destination });
      if (!result.ok) return result.error;
      onRemoved({ key: 'view.moved', values: { folder: folderName(destination) } });
      return null;
    });

  const remove = () =>
    void act(async () => {
      const result = await api['mail:message:delete']({ mailbox: { accountId, path }, uids: [uid] });
      if (!result.ok) return result.error;
      const movedTo = result.value.movedTo;
      onRemoved(movedTo ? { key: 'view.deleted', values: { folder: folderName(movedTo) } } : { key: 'view.deletedNoTrash' });
      return null;
    });

  const openLink = (url: string) => {
    setLinkUrl(null);
    void api['app:link:open']({ url }).then((result) => {
      if (!result.ok) return setActionError(result.error);
      // The browser host cannot open links itself: it vetted the URL and hands it back.
      if (result.value.delegated) window.open(result.value.url, '_blank', 'noopener,noreferrer');
    });
  };

  // R reply, Shift+R or A reply to all, F forward (announced with aria-keyshortcuts on the buttons).
  const loadedUid = view?.uid;
  useEffect(() => {
    if (!onCompose || loadedUid === undefined) return;
    const onKey = (event: KeyboardEvent) => {
      if (!shortcutTarget(event)) return;
      const key = event.key.toLowerCase();
      const mode =
        key === 'r'
          ? event.shiftKey
            ? 'reply-all'
            : 'reply'
          : key === 'a' && !event.shiftKey
            ? 'reply-all'
            : key === 'f' && !event.shiftKey
              ? 'forward'
              : null;
      if (!mode) return;
      event.preventDefault();
      onCompose({ mode, original: { mailbox: { accountId, path }, uid: loadedUid }, ...(mode === 'forward' ? { forwardMode: 'inline' as const } : {}) });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onCompose, loadedUid, accountId, path]);

  return (
    <section aria-label={t('view.label')} className={styles.root} data-testid="message-view" data-uid={uid} aria-busy={view === null && loadError === null}>
      {teamLabel && (view || loadError) ? <TeamClaimBar mailbox={mailbox} uid={uid} withheld={withheld} onMayRead={reopen} /> : null}
      {loadError && !withheld ? <ErrorBar error={loadError} /> : null}
      {view === null && loadError === null ? <Spinner size="small" label={t('view.loading')} /> : null}
      {view ? (
        <>
          <MessageHeader view={view} />
          {view.crypto ? <CryptoStatusBar status={view.crypto} {...(teamLabel ? { team: teamLabel } : {})} /> : null}
          {identityNeedsNotice(view.identity) ? <SenderIdentityBar identity={view.identity} from={view.from} /> : null}
          <LookalikeDomainBar
            addresses={[...new Set([view.from.address, ...(view.identity?.fromAddresses ?? [])])].filter(Boolean)}
            known={knownDomains}
            testId="sender-lookalike"
          />
          {view.unopened?.length ? <UnopenedPartsBar parts={view.unopened} /> : null}
          {view.keyOffer ? <KeyOfferBar offer={view.keyOffer} mailbox={mailbox} uid={uid} onError={setActionError} /> : null}
          {current?.readOnly ? <Bar intent="info">{t('view.readOnly')}</Bar> : null}
          <MessageToolbar
            flags={view.flags}
            moveTargets={sameOwner}
            currentPath={path}
            disabled={busy || current?.readOnly === true}
            onSetFlags={setFlags}
            onMove={move}
            onDelete={remove}
            {...(onCompose
              ? {
                  onCompose: (mode: ComposeInitial['mode'], forwardMode?: 'inline' | 'attachment') =>
                    onCompose({ mode, original: { mailbox, uid: view.uid }, ...(forwardMode ? { forwardMode } : {}) }),
                }
              : {})}
          />
          {actionError ? <ErrorBar error={actionError} onDismiss={() => setActionError(null)} /> : null}
          {view.segments?.length ? (
            <SignedSegments
              segments={view.segments}
              confirmed={view.crypto?.signature.status === 'partial'}
              signer={view.crypto?.signature.signerUserIds.join(', ') || view.crypto?.signature.keyId || '?'}
              onLink={setLinkUrl}
            />
          ) : view.html ? (
            <HtmlBody html={view.html} onLink={setLinkUrl} />
          ) : view.text ? (
            <div className={styles.text} data-testid="message-text">
              {view.text}
            </div>
          ) : (
            <p>{t('view.noBody')}</p>
          )}
          <AttachmentList mailbox={mailbox} uid={uid} attachments={view.attachments} onError={setActionError} />
          {linkUrl !== null ? <LinkConfirmDialog url={linkUrl} onCancel={() => setLinkUrl(null)} onConfirm={openLink} /> : null}
        </>
      ) : null}
    </section>
  );
}
