import { Button, makeStyles, mergeClasses, Spinner, tokens, useFocusFinders } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AccountSummary, MailboxGroup, MailboxRef } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import { AddAccountDialog } from '../accounts/AddAccountDialog.js';
import { AccountsDialog } from '../accounts/AccountsDialog.js';
import { KeysDialog } from '../keys/KeysDialog.js';
import { PolicyDialog } from '../policy/PolicyDialog.js';
import { AuditDialog } from '../audit/AuditDialog.js';
import { ComposeDialog, type ComposeInitial } from '../compose/ComposeDialog.js';
import { OutboxDialog } from '../compose/OutboxDialog.js';
import { DraftsDialog } from '../compose/DraftsDialog.js';
import type { OpenedDraftView } from '../../shared/attachment-upload-schema.js';
import { WelcomePanel } from '../accounts/WelcomePanel.js';
import { useApi } from '../api/api-context.js';
import { useT } from '../i18n/use-t.js';
import { mailboxDisplayName } from '../mailboxes/mailbox-name.js';
import { Sidebar } from '../mailboxes/Sidebar.js';
import { TeamBoard, type BoardTeam } from '../team/TeamBoard.js';
import type { MessageRemoved } from '../message/MessageView.js';
import { MessageView } from '../message/MessageView.js';
import { MessageList } from '../messages/MessageList.js';
import { Bar, ErrorBar, NoticeBar } from './ErrorBar.js';
import { describeError } from '../i18n/error-text.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { Header } from './Header.js';
import { useConnectionState } from './use-connection-state.js';
import { LockScreen } from './LockScreen.js';
import { useSessionLock } from './use-session-lock.js';
import { SearchBar } from '../search/SearchBar.js';
import { SearchResults } from '../search/SearchResults.js';
import { useSearch } from '../search/useSearch.js';

const useStyles = makeStyles({
  app: { display: 'flex', flexDirection: 'column', height: '100vh', backgroundColor: tokens.colorNeutralBackground1, color: tokens.colorNeutralForeground1 },
  skip: {
    position: 'absolute',
    left: '-10000px',
    top: 'auto',
    ':focus': {
      left: tokens.spacingHorizontalS,
      top: tokens.spacingVerticalS,
      zIndex: 1000,
      padding: tokens.spacingHorizontalS,
      backgroundColor: tokens.colorNeutralBackground1,
    },
  },
  body: { display: 'grid', gridTemplateColumns: 'minmax(200px, 260px) 1fr', flexGrow: 1, minHeight: 0 },
  main: { display: 'flex', flexDirection: 'column', minHeight: 0, minWidth: 0, outline: 'none' },
  listPane: {
    height: '42%',
    minHeight: '180px',
    borderBottom: `${tokens.strokeWidthThick} solid ${tokens.colorNeutralStroke2}`,
    display: 'flex',
    flexDirection: 'column',
  },
  viewPane: { flexGrow: 1, overflowY: 'auto', minHeight: 0 },
  hint: { padding: tokens.spacingHorizontalL, color: tokens.colorNeutralForeground2, margin: 0 },
  welcomeMain: { flexGrow: 1, overflowY: 'auto' },
  /** The list and the message stay mounted (and keep their place) while a team board is shown. */
  behindBoard: { display: 'none' },
});

function firstInbox(groups: MailboxGroup[]): MailboxRef | null {
  const boxes = groups.flatMap((g) => g.mailboxes).filter((m) => m.selectable);
  const box = boxes.find((m) => m.specialUse === '\\Inbox') ?? boxes[0];
  return box ? { accountId: box.accountId, path: box.path } : null;
}

type Notice = MessageRemoved;

export function App() {
  // Holds the Tabster core for the app's lifetime (no modalizer, so no focusable guards in
  // <body>). Otherwise closing the last dialog disposed Tabster without restoring the aria-hidden
  // it had put on #root, hiding the whole app from assistive technology until a reload (seen
  // after closing the Keys dialog while no message was open; team-keys.spec.ts runs axe after it).
  useFocusFinders();
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [accounts, setAccounts] = useState<AccountSummary[] | null>(null);
  const [groups, setGroups] = useState<MailboxGroup[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [mailbox, setMailbox] = useState<MailboxRef | null>(null);
  const [uid, setUid] = useState<number | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [accountsOpen, setAccountsOpen] = useState(false);
  const [keysOpen, setKeysOpen] = useState(false);
  const [policyOpen, setPolicyOpen] = useState(false);
  const [auditOpen, setAuditOpen] = useState(false);
  const [outboxOpen, setOutboxOpen] = useState(false);
  const [composeOpen, setComposeOpen] = useState<{ initial?: ComposeInitial; draft?: OpenedDraftView } | null>(null);
  const [draftsOpen, setDraftsOpen] = useState(false);
  // The team lead's board, shown in place of the list and the message while open.
  const [board, setBoard] = useState<BoardTeam | null>(null);
  // The OS keychain as the services found it at start-up (locked, unreachable): said up front.
  const [vaultProblem, setVaultProblem] = useState<AppError | null>(null);
  const accountIds = useMemo(() => accounts?.map((a) => a.id) ?? [], [accounts]);
  const { state: connection, markConnected, markOffline } = useConnectionState(accountIds);
  // Search: while it is open the list pane shows its hits; a hit opens in the mailbox it lives in.
  const search = useSearch();
  const [searching, setSearching] = useState(false);
  const [searchAll, setSearchAll] = useState(false);

  // State is set when the answers arrive (in then), never synchronously in the effects that load.
  const load = useCallback(
    () =>
      api['accounts:list']({}).then(async (listed) => {
        if (!listed.ok) return setError(listed.error);
        setAccounts(listed.value);
        const ids = listed.value.map((a) => a.id);
        if (ids.length === 0) return setGroups([]);
        const boxes = await api['mail:mailboxes:list']({});
        if (!boxes.ok) {
          setGroups([]);
          markOffline(ids);
          return setError(boxes.error);
        }
        setError(null);
        setGroups(boxes.value);
        markConnected(ids);
        setMailbox((current) => current ?? firstInbox(boxes.value));
      }),
    [api, markConnected, markOffline],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const readVault = useCallback(async () => {
    const info = await api['app:info:get']({});
    return info.ok ? info.value.vaultProblem : null;
  }, [api]);

  const checkVault = useCallback(async () => {
    const problem = await readVault();
    setVaultProblem(problem);
    return problem === null;
  }, [readVault]);

  useEffect(() => {
    // State is set only when the service answers (never synchronously in the effect).
    void readVault().then(setVaultProblem);
  }, [readVault]);

  // After a reconnect the server may grant other rights than before: list the mailboxes again.
  useEffect(
    () =>
      api.onMailEvent((event) => {
        if (event.type === 'connection' && event.state === 'connected') void load();
      }),
    [api, load],
  );

  const onAccountSaved = () => {
    setDialogOpen(false);
    setNotice({ key: 'account.saved' });
    void load();
  };

  const onAccountsChanged = (what: 'edited' | 'password' | 'removed') => {
    setAccountsOpen(false);
    setNotice({ key: what === 'removed' ? 'accounts.removed' : what === 'password' ? 'accounts.passwordChanged' : 'accounts.edited' });
    // A removed account's mailbox may be the one shown.
    if (what === 'removed') setMailbox(null);
    setUid(null);
    void load();
  };

  const onAddAccount = () => {
    if (accounts?.length === 0) {
      // The form is already on screen: take the user to it instead of stacking a dialog.
      document.querySelector<HTMLInputElement>('[data-testid="account-form"] input')?.focus();
    } else setDialogOpen(true);
  };

  const selectMailbox = (ref: MailboxRef) => {
    setBoard(null);
    setMailbox(ref);
    setUid(null);
    setSearching(false);
    search.clear();
  };

  const qualifiedMailboxName = (ref: MailboxRef) => {
    const group = groups?.find((g) => g.mailboxes.some((m) => m.accountId === ref.accountId && m.path === ref.path));
    const box = group?.mailboxes.find((m) => m.accountId === ref.accountId && m.path === ref.path);
    const name = box ? mailboxDisplayName(t, box) : ref.path;
    return group ? `${group.label} › ${name}` : name;
  };

  const currentBox = mailbox ? groups?.flatMap((g) => g.mailboxes).find((m) => m.accountId === mailbox.accountId && m.path === mailbox.path) : undefined;
  const mailboxName = currentBox ? mailboxDisplayName(t, currentBox) : (mailbox?.path ?? '');
  const bumpList = useCallback(() => setRefreshKey((k) => k + 1), []);
  // An update never installs while a composer is open (main/electron/updates): say how many are.
  const openComposers = composeOpen ? 1 : 0;
  useEffect(() => {
    void api['app:work:report']({ openComposers });
  }, [api, openComposers]);
  // Idle lock: after unlocking, what was refused while locked is asked again.
  const sessionLock = useSessionLock(
    useCallback(() => {
      setError(null);
      bumpList();
      void load();
    }, [bumpList, load]),
  );

  const messages = (
    <>
      {vaultProblem ? (
        <Bar intent="error" title={t('error.title')} data-testid="vault-problem" data-code={vaultProblem.code}>
          {describeError(t, vaultProblem).text}{' '}
          <Button size="small" onClick={() => void checkVault().then((usable) => (usable ? load() : undefined))}>
            {t('vault.recheck')}
          </Button>
        </Bar>
      ) : null}
      {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
      {notice ? <NoticeBar text={t(notice.key, notice.values)} onDismiss={() => setNotice(null)} /> : null}
    </>
  );

  return (
    <div className={styles.app}>
      <a
        href="#main-content"
        className={styles.skip}
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main-content')?.focus();
        }}
      >
        {t('app.skipToContent')}
      </a>
      <Header
        connection={connection}
        onAddAccount={onAddAccount}
        onOpenAccounts={accounts && accounts.length > 0 ? () => setAccountsOpen(true) : undefined}
        onOpenKeys={() => setKeysOpen(true)}
        onOpenPolicy={() => setPolicyOpen(true)}
        onOpenAudit={() => setAuditOpen(true)}
        onCompose={() => setComposeOpen({})}
        onOpenOutbox={() => setOutboxOpen(true)}
        onOpenDrafts={() => setDraftsOpen(true)}
        onLocaleError={setError}
      />
      {accounts === null ? (
        <main id="main-content" tabIndex={-1} className={styles.welcomeMain}>
          {messages}
          {error ? null : <Spinner className={styles.hint} label={t('app.loading')} />}
        </main>
      ) : accounts.length === 0 ? (
        <main id="main-content" tabIndex={-1} className={styles.welcomeMain}>
          {messages}
          <WelcomePanel onSaved={onAccountSaved} />
        </main>
      ) : (
        <div className={styles.body}>
          <Sidebar groups={groups} selected={board ? null : mailbox} onSelect={selectMailbox} board={board} onOpenBoard={setBoard} />
          <main id="main-content" tabIndex={-1} className={styles.main}>
            {messages}
            {board ? (
              <ErrorBoundary resetKey={`${board.accountId}\u0000${board.team}`}>
                <TeamBoard key={`${board.accountId}\u0000${board.team}`} team={board} onClose={() => setBoard(null)} />
              </ErrorBoundary>
            ) : null}
            <div className={mergeClasses(styles.listPane, !!board && styles.behindBoard)}>
              <SearchBar
                allMailboxes={searchAll || !mailbox}
                onAllMailboxesChange={setSearchAll}
                active={searching}
                onSearch={(query) => {
                  setSearching(true);
                  void search.run(searchAll || !mailbox ? { kind: 'all' } : { kind: 'mailbox', mailbox }, query);
                }}
                onClose={() => {
                  setSearching(false);
                  search.clear();
                }}
              />
              {searching ? (
                <SearchResults
                  state={search.state}
                  mailboxName={qualifiedMailboxName}
                  selected={mailbox && uid !== null ? { mailbox, uid } : null}
                  onOpen={(ref, hitUid) => {
                    setMailbox(ref);
                    setUid(hitUid);
                  }}
                />
              ) : mailbox ? (
                <ErrorBoundary resetKey={`${mailbox.accountId}\u0000${mailbox.path}`}>
                  <MessageList
                    key={`${mailbox.accountId}\u0000${mailbox.path}`}
                    mailbox={mailbox}
                    mailboxName={mailboxName}
                    selectedUid={uid}
                    refreshKey={refreshKey}
                    onOpen={setUid}
                  />
                </ErrorBoundary>
              ) : (
                <p className={styles.hint}>{t('list.noMailbox')}</p>
              )}
            </div>
            <div className={mergeClasses(styles.viewPane, !!board && styles.behindBoard)}>
              {mailbox && uid !== null ? (
                <ErrorBoundary resetKey={uid}>
                  <MessageView
                    mailbox={mailbox}
                    uid={uid}
                    groups={groups ?? []}
                    onFlagsChanged={bumpList}
                    onRemoved={(removed) => {
                      setUid(null);
                      setNotice(removed);
                      bumpList();
                    }}
                    onCompose={(initial) => setComposeOpen({ initial })}
                  />
                </ErrorBoundary>
              ) : (
                <p className={styles.hint}>{t('view.none')}</p>
              )}
            </div>
          </main>
        </div>
      )}
      {/* Mounted only while open: a mounted Fluent Dialog makes Tabster add focusable aria-hidden
          guard elements to <body> for the rest of the session. */}
      {accountsOpen && accounts ? <AccountsDialog accounts={accounts} onClose={() => setAccountsOpen(false)} onChanged={onAccountsChanged} /> : null}
      {dialogOpen ? <AddAccountDialog open onClose={() => setDialogOpen(false)} onSaved={onAccountSaved} /> : null}
      {keysOpen ? <KeysDialog onClose={() => setKeysOpen(false)} /> : null}
      {policyOpen ? <PolicyDialog onClose={() => setPolicyOpen(false)} /> : null}
      {auditOpen ? <AuditDialog onClose={() => setAuditOpen(false)} /> : null}
      {outboxOpen ? <OutboxDialog onClose={() => setOutboxOpen(false)} /> : null}
      {draftsOpen ? (
        <DraftsDialog
          onClose={() => setDraftsOpen(false)}
          onOpen={(draft) => {
            setDraftsOpen(false);
            // A fresh composer (new key): the draft's own id, so saves replace its copies.
            setComposeOpen({ draft });
          }}
        />
      ) : null}
      {composeOpen ? (
        <ComposeDialog
          key={composeOpen.draft?.draftId ?? 'new'}
          {...(composeOpen.initial ? { initial: composeOpen.initial } : {})}
          {...(composeOpen.draft ? { draft: composeOpen.draft } : {})}
          onClose={() => setComposeOpen(null)}
          onQueued={() => {
            setComposeOpen(null);
            setNotice({ key: 'compose.queued' });
          }}
        />
      ) : null}
      {sessionLock.state?.locked ? <LockScreen state={sessionLock.state} onUnlock={sessionLock.unlock} /> : null}
    </div>
  );
}
