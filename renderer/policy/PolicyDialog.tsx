/**
 * The secure-send policy as it applies on this workstation: whether IT's managed policy is in
 * force (or broken, with the exact problems), every effective value with the layer that set it
 * (built-in, organisation, own preference), and the person's preferences that were not applied
 * because they would have loosened the policy. The person may tighten the actions for their own
 * mail (a looser choice is kept but not applied, and listed as such); everything else is IT's.
 */
import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Select,
  Spinner,
  makeStyles,
  mergeClasses,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useState } from 'react';
import { ACTIONS, type Action, type PolicyLayer, type PolicyStateView } from '../../shared/policy-schema.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { Bar, ErrorBar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';
import { onManagedConfigChange } from '../managed/use-managed-config.js';

const useStyles = makeStyles({
  surface: { maxWidth: '52rem', width: '100%' },
  table: { borderCollapse: 'collapse', width: '100%', fontSize: tokens.fontSizeBase200 },
  cell: {
    textAlign: 'start',
    padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    verticalAlign: 'top',
  },
  value: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-word' },
  problems: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL },
  section: { marginTop: tokens.spacingVerticalL },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: tokens.spacingHorizontalM },
});

const CLASSES = ['internal', 'partner', 'external'] as const;

function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
      key === 'version' && !prefix ? [] : leaves(inner, prefix ? `${prefix}.${key}` : key),
    );
  }
  return [[prefix, value]];
}

function show(value: unknown): string {
  if (Array.isArray(value))
    return value.length === 0 ? '—' : value.map((v) => (typeof v === 'object' ? ((v as { id?: string }).id ?? JSON.stringify(v)) : String(v))).join(', ');
  if (value === '' || value === null || value === undefined) return '—';
  return String(value);
}

export function PolicyDialog({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const t = useT();
  const styles = useStyles();
  const [state, setState] = useState<PolicyStateView | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  // State is set when the answer arrives (in then), never synchronously in the effect that loads.
  const load = useCallback(
    (channel: 'policy:state:get' | 'policy:reload') =>
      api[channel]({}).then((result) => {
        if (result.ok) setState(result.value);
        else setError(result.error);
      }),
    [api],
  );

  useEffect(() => {
    void load('policy:state:get');
    // IT's policy may change while the dialog is open: show what is in force now.
    return onManagedConfigChange(api, () => void load('policy:state:get'));
  }, [api, load]);

  const tighten = async (kind: 'sensitive' | 'notSensitive', cls: (typeof CLASSES)[number], action: Action) => {
    if (!state) return;
    const current: PolicyLayer = state.preferences;
    const layer: PolicyLayer = { ...current, version: 1, actions: { ...current.actions, [kind]: { ...current.actions?.[kind], [cls]: action } } };
    const result = await api['policy:preferences:set']({ layer });
    if (result.ok) setState(result.value);
    else setError(result.error);
  };

  const managed = state?.managed;
  return (
    <Dialog open onOpenChange={(_e, data) => (data.open ? undefined : onClose())} modalType="modal">
      <DialogSurface className={styles.surface} data-testid="policy-dialog">
        <DialogBody>
          <DialogTitle>{t('policy.title')}</DialogTitle>
          {/* Long content scrolls: focusable, so the keyboard can scroll it too. */}
          <DialogContent tabIndex={0} role="region" aria-label={t('policy.title')}>
            {error ? <ErrorBar error={error} onDismiss={() => setError(null)} /> : null}
            {!state || !managed ? (
              <Spinner size="small" label={t('app.loading')} />
            ) : (
              <>
                {managed.status === 'invalid' ? (
                  <Bar intent="error" title={t('policy.managed.invalid')} data-testid="policy-managed-state" data-status="invalid">
                    <p>{t('policy.managed.path', { path: managed.path })}</p>
                    <ul className={styles.problems} data-testid="policy-problems">
                      {managed.problems.map((problem) => (
                        <li key={problem}>{problem}</li>
                      ))}
                    </ul>
                  </Bar>
                ) : (
                  <Bar intent={managed.status === 'ok' ? 'success' : 'info'} data-testid="policy-managed-state" data-status={managed.status}>
                    {managed.status === 'ok' ? t('policy.managed.ok', { path: managed.path }) : t('policy.managed.absent')}
                  </Bar>
                )}

                {state.effective ? (
                  <section className={styles.section} aria-labelledby="policy-own-title" data-testid="policy-preferences">
                    <h3 id="policy-own-title">{t('policy.own')}</h3>
                    <p>{t('policy.ownHint')}</p>
                    {(['sensitive', 'notSensitive'] as const).map((kind) => (
                      <div key={kind} className={styles.grid}>
                        {CLASSES.map((cls) => (
                          <Field key={cls} label={t(`policy.own.${kind}.${cls}`)}>
                            <Select
                              value={state.effective!.policy.actions[kind][cls]}
                              data-testid={`policy-action-${kind}-${cls}`}
                              onChange={(_e, d) => void tighten(kind, cls, d.value as Action)}
                            >
                              {ACTIONS.map((a) => (
                                <option key={a} value={a}>
                                  {t(`policy.action.${a}`)}
                                </option>
                              ))}
                            </Select>
                          </Field>
                        ))}
                      </div>
                    ))}
                  </section>
                ) : null}

                {state.effective ? (
                  <section className={styles.section} aria-labelledby="policy-effective-title">
                    <h3 id="policy-effective-title">{t('policy.effective')}</h3>
                    <table className={styles.table} data-testid="policy-values">
                      <thead>
                        <tr>
                          <th className={styles.cell} scope="col">
                            {t('policy.column.setting')}
                          </th>
                          <th className={styles.cell} scope="col">
                            {t('policy.column.value')}
                          </th>
                          <th className={styles.cell} scope="col">
                            {t('policy.column.source')}
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {leaves(state.effective.policy).map(([path, value]) => {
                          const source = state.effective!.sources[path] ?? 'builtin';
                          return (
                            <tr key={path} data-path={path} data-source={source}>
                              <th className={styles.cell} scope="row">
                                <code>{path}</code>
                              </th>
                              <td className={mergeClasses(styles.cell, styles.value)}>{show(value)}</td>
                              <td className={styles.cell}>
                                <Badge appearance="tint" color={source === 'managed' ? 'brand' : source === 'user' ? 'success' : 'informative'}>
                                  {t(`policy.source.${source}`)}
                                </Badge>
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                    {state.effective.ignored.length ? (
                      <div className={styles.section} data-testid="policy-ignored">
                        <h4>{t('policy.ignored')}</h4>
                        <ul className={styles.problems}>
                          {state.effective.ignored.map((item) => (
                            <li key={item.path}>
                              <code>{item.path}</code> — {t(`policy.ignored.${item.reason}`)}
                            </li>
                          ))}
                        </ul>
                      </div>
                    ) : null}
                  </section>
                ) : null}
              </>
            )}
          </DialogContent>
          <DialogActions>
            <Button data-testid="policy-reload" onClick={() => void load('policy:reload')}>
              {t('policy.reload')}
            </Button>
            <Button appearance="primary" onClick={onClose}>
              {t('keys.close')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
