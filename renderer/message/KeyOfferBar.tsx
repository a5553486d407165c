/**
 * "Import the sender's key": shown in the app's chrome (never inside the content frame) when
 * the message offers a key the keyring does not hold. The import re-reads the message in main by
 * mailbox and UID; no key bytes pass through the renderer.
 */
import { Button } from '@fluentui/react-components';
import { useState } from 'react';
import type { KeyOfferView, MailboxRef } from '../../shared/domain.js';
import type { AppError } from '../../shared/result.js';
import { useApi } from '../api/api-context.js';
import { Bar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';

export function KeyOfferBar({ offer, mailbox, uid, onError }: { offer: KeyOfferView; mailbox: MailboxRef; uid: number; onError: (error: AppError) => void }) {
  const api = useApi();
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<'unverified' | 'undecided' | null>(null);
  if (offer.known) return null;

  const importKey = async () => {
    setBusy(true);
    try {
      const result = await api['crypto:contacts:import-from-message']({ mailbox: { accountId: mailbox.accountId, path: mailbox.path }, uid });
      if (!result.ok) return onError(result.error);
      setDone(result.value.some((k) => k.state === 'undecided') ? 'undecided' : 'unverified');
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <Bar intent={done === 'undecided' ? 'warning' : 'success'} data-testid="key-offer-done">
        {t(done === 'undecided' ? 'view.keyOffer.undecided' : 'view.keyOffer.imported')}
      </Bar>
    );
  }
  return (
    <Bar intent="info" data-testid="key-offer" data-source={offer.source}>
      {t(offer.source === 'autocrypt' ? 'view.keyOffer.autocrypt' : 'view.keyOffer.attachment')}{' '}
      <Button size="small" disabled={busy} onClick={() => void importKey()} data-testid="key-offer-import">
        {t('view.keyOffer.import')}
      </Button>
    </Bar>
  );
}
