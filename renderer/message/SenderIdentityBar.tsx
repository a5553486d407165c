/**
 * Sender identity facts and unopened encrypted/signed parts, in the app's own chrome above the
 * message (never inside the content frame). They come from the main process's reading of the
 * raw headers and MIME structure, never from anything the message body draws.
 */
import type { MessageView, SenderIdentity, UnopenedPart } from '../../shared/domain.js';
import { Bar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';

export function SenderIdentityBar({ identity, from }: { identity: SenderIdentity; from: MessageView['from'] }) {
  const t = useT();
  const count = identity.fromAddresses.length;
  return (
    <div data-testid="sender-identity" data-from-count={count}>
      {count > 1 ? (
        <Bar intent="warning" title={t('identity.severalFrom.title')}>
          {t('identity.severalFrom.body', { addresses: identity.fromAddresses.join(', ') })}
        </Bar>
      ) : count === 0 ? (
        <Bar intent="warning">{t('identity.noFrom')}</Bar>
      ) : null}
      {identity.displayNameAddress ? (
        <Bar intent="warning" data-testid="display-name-address">
          {t('identity.displayNameAddress', { shown: identity.displayNameAddress, actual: from.address })}
        </Bar>
      ) : null}
      {identity.sender ? (
        <Bar intent="info" data-testid="sender-differs">
          {t('identity.sender', { sender: identity.sender, from: from.address })}
        </Bar>
      ) : null}
    </div>
  );
}

export function UnopenedPartsBar({ parts }: { parts: UnopenedPart[] }) {
  const t = useT();
  if (parts.length === 0) return null;
  const list = parts.map((p) => t('unopened.part', { part: p.partId, kind: t(`unopened.kind.${p.kind}`) })).join(', ');
  return (
    <Bar intent="warning" title={t('unopened.title')} data-testid="unopened-parts">
      {t('unopened.body', { parts: list })}
    </Bar>
  );
}

/** Whether the identity bar has anything to say (a clean single From says nothing). */
export function identityNeedsNotice(identity: SenderIdentity | undefined): identity is SenderIdentity {
  return !!identity && (identity.fromAddresses.length !== 1 || !!identity.displayNameAddress || !!identity.sender);
}
