import { Dialog, DialogBody, DialogContent, DialogSurface, DialogTitle } from '@fluentui/react-components';
import type { AccountSummary } from '../../shared/domain.js';
import { useT } from '../i18n/use-t.js';
import { AccountForm } from './AccountForm.js';

export function AddAccountDialog({ open, onClose, onSaved }: { open: boolean; onClose: () => void; onSaved: (account: AccountSummary) => void }) {
  const t = useT();
  return (
    <Dialog open={open} onOpenChange={(_e, data) => (data.open ? undefined : onClose())} modalType="modal">
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('account.formTitle')}</DialogTitle>
          <DialogContent>
            <AccountForm heading={false} onCancel={onClose} onSaved={onSaved} />
          </DialogContent>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
