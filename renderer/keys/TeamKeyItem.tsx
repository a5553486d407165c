/**
 * One team mailbox's keys: the generations held (fingerprints to read aloud), and for a team lead
 * creating the key, granting it to a member's public key, and the members list whose removal
 * rotates the key. Only public facts reach this view; the team's secret keys stay in the main
 * process, and the grant returned for saving is sealed to the member.
 */
import { Badge, Button, Field, Input, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import { useId, useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import type { AppError, Result } from '../../shared/result.js';
import type { PendingGrant, TeamView } from '../../shared/team-key-schema.js';
import { useApi } from '../api/api-context.js';
import { Bar } from '../app/ErrorBar.js';
import { formatDateTime } from '../i18n/format.js';
import { useT } from '../i18n/use-t.js';
import { KeyFileInput, saveArmored } from './key-files.js';
import { PendingGrantItem } from './PendingGrantItem.js';

const useStyles = makeStyles({
  team: {
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: tokens.spacingHorizontalM,
  },
  title: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap', margin: 0 },
  list: { listStyle: 'none', padding: 0, margin: `${tokens.spacingVerticalS} 0`, display: 'grid', gap: tokens.spacingVerticalS },
  fingerprint: { fontFamily: tokens.fontFamilyMonospace, letterSpacing: '0.05em' },
  form: { display: 'grid', gap: tokens.spacingVerticalS, marginTop: tokens.spacingVerticalS },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', alignItems: 'center' },
  member: { display: 'grid', gap: tokens.spacingVerticalXXS },
});

interface Props {
  team: TeamView;
  pending: PendingGrant[];
  busy: boolean;
  /** Runs a contract call, shows its error or the notice made from its value, and reloads. */
  run: <T>(action: () => Promise<Result<T>>, done: (value: T) => string | null) => Promise<void>;
  onError: (error: AppError) => void;
}

export function TeamKeyItem({ team, pending, busy, run, onError }: Props) {
  const api = useApi();
  const t = useT();
  const intl = useIntl();
  const styles = useStyles();
  const headingId = useId();
  const [identity, setIdentity] = useState({ name: team.label, email: '' });
  const [memberKey, setMemberKey] = useState('');
  const [lastGrant, setLastGrant] = useState<{ armored: string; fingerprint: string } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const ref = { accountId: team.accountId, team: team.team };
  const hasKey = team.keys.length > 0;

  const create = (event: FormEvent) => {
    event.preventDefault();
    void run(
      () => api['crypto:team:create']({ ...ref, name: identity.name.trim(), email: identity.email.trim() }),
      () => t('teamKeys.created'),
    );
  };

  const grant = (event: FormEvent) => {
    event.preventDefault();
    void run(
      async () => {
        const result = await api['crypto:team:grant']({ ...ref, memberPublicKey: memberKey });
        if (result.ok) {
          setMemberKey('');
          setLastGrant({ armored: result.value.armored, fingerprint: result.value.member.fingerprint });
        }
        return result;
      },
      (value: { member: { userIds: string[]; fingerprintGrouped: string } }) =>
        t('teamKeys.granted', { member: value.member.userIds[0] ?? value.member.fingerprintGrouped }),
    );
  };

  const exportPublic = async () => {
    const result = await api['crypto:team:public:export'](ref);
    if (!result.ok) return onError(result.error);
    saveArmored(result.value.armored, `${team.team}-${team.keys.at(-1)?.fingerprint.slice(-16) ?? 'team'}.asc`);
  };

  return (
    <li className={styles.team} data-testid="team-key-item" data-team={team.team} data-lead={String(team.isLead)} aria-labelledby={headingId}>
      <h3 className={styles.title} id={headingId}>
        {team.label}
        {team.isLead ? (
          <Badge color="brand" appearance="tint">
            {t('teamKeys.badge.lead')}
          </Badge>
        ) : null}
      </h3>

      {hasKey ? (
        <ul className={styles.list} aria-label={t('teamKeys.keysLabel', { team: team.label })}>
          {[...team.keys].reverse().map((key) => (
            <li key={key.fingerprint} data-testid="team-key-generation" data-generation={key.generation} data-current={String(key.current)}>
              <strong>{t('teamKeys.generation', { generation: key.generation })}</strong> · {key.current ? t('teamKeys.current') : t('teamKeys.older')} ·{' '}
              {formatDateTime(intl, key.created)}
              <div>{key.userIds.join(', ')}</div>
              <div>
                {t('teamKeys.fingerprint')}:{' '}
                <span className={styles.fingerprint} data-testid="team-key-fingerprint">
                  {key.fingerprintGrouped}
                </span>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>{team.isLead ? t('teamKeys.noKey.lead') : t('teamKeys.noKey.member')}</p>
      )}

      {pending.length ? (
        <section aria-label={t('teamKeys.pendingTitle')}>
          <h4>{t('teamKeys.pendingTitle')}</h4>
          <ul className={styles.list}>
            {pending.map((p) => (
              <PendingGrantItem
                key={`${p.accountId}:${p.uid}`}
                grant={p}
                busy={busy}
                onImport={(confirmLead) =>
                  void run(
                    () =>
                      api['crypto:team:grants:import']({
                        source: { kind: 'folder', accountId: p.accountId, uid: p.uid },
                        ...(confirmLead ? { confirmLead } : {}),
                      }),
                    () => t('teamKeys.imported', { team: p.teamLabel, generation: p.generation }),
                  )
                }
              />
            ))}
          </ul>
        </section>
      ) : null}

      {team.isLead && !hasKey ? (
        <form className={styles.form} onSubmit={create} data-testid="team-key-create-form">
          <h4>{t('teamKeys.createTitle')}</h4>
          <Field label={t('teamKeys.name')} required>
            <Input value={identity.name} onChange={(_e, d) => setIdentity({ ...identity, name: d.value })} />
          </Field>
          <Field label={t('teamKeys.email')} required>
            <Input type="email" value={identity.email} onChange={(_e, d) => setIdentity({ ...identity, email: d.value })} />
          </Field>
          <div>
            <Button type="submit" appearance="primary" disabled={busy || !identity.name.trim() || !identity.email.trim()} data-testid="team-key-create">
              {t('teamKeys.create')}
            </Button>
          </div>
        </form>
      ) : null}

      {hasKey ? (
        <div className={styles.actions}>
          <Button size="small" onClick={() => void exportPublic()} data-testid="team-key-export">
            {t('teamKeys.exportPublic')}
          </Button>
        </div>
      ) : null}

      {team.isLead && hasKey ? (
        <>
          <form className={styles.form} onSubmit={grant} data-testid="team-grant-form">
            <h4>{t('teamKeys.grantTitle')}</h4>
            <Field label={t('teamKeys.memberKey')}>
              <Textarea value={memberKey} onChange={(_e, d) => setMemberKey(d.value)} rows={4} resize="vertical" spellCheck={false} />
            </Field>
            <KeyFileInput label={t('teamKeys.memberKeyFile')} onText={setMemberKey} testId="team-grant-file" />
            <div className={styles.actions}>
              <Button type="submit" appearance="primary" disabled={busy || !memberKey.trim()} data-testid="team-grant">
                {t('teamKeys.grant')}
              </Button>
              {lastGrant ? (
                <Button
                  onClick={() => saveArmored(lastGrant.armored, `${team.team}-grant-${lastGrant.fingerprint.slice(-16)}.asc`)}
                  data-testid="team-grant-save"
                >
                  {t('teamKeys.saveGrant')}
                </Button>
              ) : null}
            </div>
          </form>

          <section aria-label={t('teamKeys.membersTitle')}>
            <h4>{t('teamKeys.membersTitle')}</h4>
            {team.members.length === 0 ? (
              <p>{t('teamKeys.noMembers')}</p>
            ) : (
              <ul className={styles.list}>
                {team.members.map((member) => (
                  <li key={member.fingerprint} className={styles.member} data-testid="team-member" data-fingerprint={member.fingerprint}>
                    <strong>{member.userIds.join(', ')}</strong>
                    <span className={styles.fingerprint}>{member.fingerprintGrouped}</span>
                    {removing === member.fingerprint ? (
                      <>
                        <Bar intent="warning">{t('teamKeys.removeWarning', { member: member.userIds[0] ?? member.fingerprintGrouped })}</Bar>
                        <div className={styles.actions}>
                          <Button
                            appearance="primary"
                            disabled={busy}
                            data-testid="team-member-remove-confirm"
                            onClick={() =>
                              void run(
                                async () => {
                                  const result = await api['crypto:team:remove-member']({ ...ref, memberFingerprint: member.fingerprint });
                                  if (result.ok) setRemoving(null);
                                  return result;
                                },
                                (value: TeamView) => t('teamKeys.removed', { generation: value.keys.at(-1)?.generation ?? 0 }),
                              )
                            }
                          >
                            {t('teamKeys.removeConfirm')}
                          </Button>
                          <Button onClick={() => setRemoving(null)}>{t('teamKeys.cancel')}</Button>
                        </div>
                      </>
                    ) : (
                      <div>
                        <Button size="small" onClick={() => setRemoving(member.fingerprint)} data-testid="team-member-remove">
                          {t('teamKeys.remove')}
                        </Button>
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}
    </li>
  );
}
