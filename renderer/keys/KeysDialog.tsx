/**
 * Encryption keys in one dialog, one tab per kind: the person's own keys, the team keys they hold
 * or manage, and correspondents' public keys. Only public facts reach these views; key material
 * stays in the main process.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Tab,
  TabList,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { useT } from '../i18n/use-t.js';
import { CorrespondentsPanel } from './CorrespondentsPanel.js';
import { PersonalKeysPanel } from './PersonalKeysPanel.js';
import { TeamKeysPanel } from './TeamKeysPanel.js';

const useStyles = makeStyles({
  surface: { maxWidth: '48rem', width: '100%' },
  tabs: { marginBottom: tokens.spacingVerticalM },
});

type KeysTab = 'personal' | 'team' | 'contacts';

export function KeysDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const styles = useStyles();
  const [tab, setTab] = useState<KeysTab>('personal');
  return (
    <Dialog open onOpenChange={(_e, data) => (data.open ? undefined : onClose())} modalType="modal">
      <DialogSurface className={styles.surface} data-testid="keys-dialog">
        <DialogBody>
          <DialogTitle>{t('keys.title')}</DialogTitle>
          <DialogContent>
            <TabList className={styles.tabs} selectedValue={tab} onTabSelect={(_e, data) => setTab(data.value as KeysTab)} aria-label={t('keys.tabsLabel')}>
              <Tab value="personal" data-testid="keys-tab-personal">
                {t('keys.tab.personal')}
              </Tab>
              <Tab value="team" data-testid="keys-tab-team">
                {t('keys.tab.team')}
              </Tab>
              <Tab value="contacts" data-testid="keys-tab-contacts">
                {t('keys.tab.contacts')}
              </Tab>
            </TabList>
            <div role="tabpanel" aria-label={t(`keys.tab.${tab}`)}>
              {tab === 'personal' ? <PersonalKeysPanel /> : null}
              {tab === 'team' ? <TeamKeysPanel /> : null}
              {tab === 'contacts' ? <CorrespondentsPanel /> : null}
            </div>
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('keys.close')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
