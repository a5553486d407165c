import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useT } from '../i18n/use-t.js';
import type { ConnectionState } from './use-connection-state.js';

const useStyles = makeStyles({
  root: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, color: tokens.colorNeutralForeground1, fontSize: tokens.fontSizeBase200 },
  dot: { width: '10px', height: '10px', borderRadius: tokens.borderRadiusCircular, flexShrink: 0 },
  connected: { backgroundColor: tokens.colorPaletteGreenBackground3 },
  reconnecting: { backgroundColor: tokens.colorPaletteMarigoldBackground3 },
  offline: { backgroundColor: tokens.colorPaletteRedBackground3 },
  unknown: { backgroundColor: tokens.colorNeutralStroke1 },
});

export function ConnectionIndicator({ state }: { state: ConnectionState }) {
  const t = useT();
  const styles = useStyles();
  return (
    <div role="status" className={styles.root} data-testid="connection-state" data-state={state}>
      <span aria-hidden="true" className={mergeClasses(styles.dot, styles[state])} />
      <span>{t(`connection.${state}`)}</span>
    </div>
  );
}
