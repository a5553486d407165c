import { makeStyles, tokens } from '@fluentui/react-components';
import type { AccountSummary } from '../../shared/domain.js';
import { useT } from '../i18n/use-t.js';
import { AccountForm } from './AccountForm.js';

const useStyles = makeStyles({
  root: { padding: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, overflowY: 'auto' },
  title: { margin: 0, fontSize: tokens.fontSizeBase600 },
  intro: { margin: 0, maxWidth: '60ch' },
});

export function WelcomePanel({ onSaved }: { onSaved: (account: AccountSummary) => void }) {
  const t = useT();
  const styles = useStyles();
  return (
    <section className={styles.root} aria-labelledby="welcome-title" data-testid="welcome">
      <h2 id="welcome-title" className={styles.title}>
        {t('welcome.title')}
      </h2>
      <p className={styles.intro}>{t('welcome.intro')}</p>
      <AccountForm onSaved={onSaved} />
    </section>
  );
}
