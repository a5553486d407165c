/**
 * The encryption and signature verdict, in the app's own chrome above the message: never
 * inside the content frame and never derived from anything in the message body, so a message
 * cannot draw its own "signed" badge.
 */
import { useIntl } from 'react-intl';
import type { CryptoStatus } from '../../shared/domain.js';
import { Bar } from '../app/ErrorBar.js';
import { useT } from '../i18n/use-t.js';

/**
 * `team`: the team mailbox the message is in. Mail encrypted to a key the person lacks there is
 * usually encrypted to the team key, which that team's lead grants (Keys › Team keys).
 */
export function CryptoStatusBar({ status, team }: { status: CryptoStatus; team?: string }) {
  const t = useT();
  const intl = useIntl();
  const when = (ms: number) => intl.formatDate(ms, { dateStyle: 'medium', timeStyle: 'short' });
  const signature = status.signature;
  const signer = signature.signerUserIds.join(', ') || signature.keyId || '?';
  // All-zero key IDs: encrypted to a hidden recipient (gpg --throw-keyids), no key named.
  const hiddenRecipient = status.recipientKeyIds.length > 0 && status.recipientKeyIds.every((id) => /^0+$/.test(id));
  const outer = status.outerSignature;
  return (
    <div
      data-testid="crypto-status"
      data-decryption={status.decryption}
      data-signature={signature.status}
      {...(signature.coveredPart ? { 'data-covered-part': signature.coveredPart } : {})}
    >
      {status.decryption === 'decrypted' ? (
        <Bar intent="success">{status.inline ? t('crypto.decryptedInline') : t('crypto.decrypted')}</Bar>
      ) : status.decryption === 'locked' ? (
        <Bar intent="warning" title={t('crypto.locked.title')}>
          {t('crypto.locked.body', { keyIds: status.recipientKeyIds.join(', ') || '?' })}
        </Bar>
      ) : status.decryption === 'no-key' ? (
        <Bar intent="error" title={t('crypto.noKey.title')}>
          {hiddenRecipient
            ? t('crypto.noKey.hidden')
            : team
              ? t('crypto.noKey.team', { keyIds: status.recipientKeyIds.join(', ') || '?', team })
              : t('crypto.noKey.body', { keyIds: status.recipientKeyIds.join(', ') || '?' })}
        </Bar>
      ) : status.decryption === 'failed' ? (
        <Bar intent="error" title={t('crypto.failed.title')}>
          {t('crypto.failed.body')}
        </Bar>
      ) : status.decryption === 'not-ciphertext' ? (
        <Bar intent="error" title={t('crypto.notCiphertext.title')} data-testid="not-ciphertext">
          {t('crypto.notCiphertext.body')}
        </Bar>
      ) : null}
      {outer ? (
        <Bar
          intent={outer.status === 'bad' || outer.status === 'mismatch' ? 'warning' : 'info'}
          data-testid="outer-signature"
          data-outer-signature={outer.status}
        >
          {t('crypto.outerSignature.body', {
            protocol: outer.protocol === 'smime' ? 'S/MIME' : 'OpenPGP',
            verdict:
              outer.status === 'good'
                ? t('crypto.outerSignature.good', { signer: outer.signerUserIds.join(', ') })
                : outer.status === 'mismatch'
                  ? t('crypto.outerSignature.mismatch', { signer: outer.signerUserIds.join(', ') })
                  : outer.status === 'unknown-key'
                    ? t('crypto.outerSignature.unknownKey', { keyId: outer.keyId ?? '?' })
                    : outer.status === 'not-checked'
                      ? t('crypto.outerSignature.notChecked')
                      : t('crypto.outerSignature.bad'),
          })}
        </Bar>
      ) : null}
      {signature.keyProblem === 'revoked' ? (
        <Bar intent="error">{t('crypto.signature.revoked', { signer: signature.signerUserIds.join(', ') || signature.keyId || '?' })}</Bar>
      ) : signature.status === 'partial' ? (
        <Bar intent="warning" title={t('crypto.signature.partial.title')} data-testid="signature-partial">
          {t('crypto.signature.partial.body', { part: signature.coveredPart ?? '?', signer: signature.signerUserIds.join(', ') || signature.keyId || '?' })}
        </Bar>
      ) : signature.status === 'good' ? (
        <Bar intent="success" data-key-acceptance={signature.acceptance ?? 'unknown'}>
          {t('crypto.signature.good', { signer: signature.signerUserIds.join(', '), fingerprint: signature.fingerprint ?? '' })}
          {signature.acceptance === 'verified' ? ` ${t('crypto.signature.keyVerified')}` : ''}
        </Bar>
      ) : signature.status === 'mismatch' ? (
        <Bar intent="warning" title={t('crypto.signature.mismatch.title')}>
          {t('crypto.signature.mismatch.body', { signer: signature.signerUserIds.join(', ') })}
        </Bar>
      ) : signature.status === 'date-mismatch' && signature.dateMismatch ? (
        <Bar intent="warning" title={t('crypto.signature.dateMismatch.title')} data-testid="signature-date-mismatch">
          {t('crypto.signature.dateMismatch.body', {
            signer,
            signedAt: when(signature.dateMismatch.signedAt),
            headerDate: when(signature.dateMismatch.headerDate),
          })}
        </Bar>
      ) : signature.status === 'bad' ? (
        <Bar intent="error">{t('crypto.signature.bad')}</Bar>
      ) : signature.status === 'unknown-key' ? (
        <Bar intent="info">{t('crypto.signature.unknownKey', { keyId: signature.keyId ?? '?' })}</Bar>
      ) : null}
      {signature.coveredPart && signature.status !== 'partial' && signature.keyProblem !== 'revoked' ? (
        <p>{t('crypto.signature.coveredPart', { part: signature.coveredPart })}</p>
      ) : null}
      {(signature.status === 'good' || signature.status === 'partial') && (signature.acceptance === 'unverified' || signature.acceptance === 'undecided') ? (
        <p data-testid="signer-unverified">{t('crypto.signature.unverifiedKey')}</p>
      ) : null}
      {signature.dateMismatch && signature.status !== 'date-mismatch' && signature.keyProblem !== 'revoked' ? (
        <p data-testid="signature-date-note">
          {t('crypto.signature.dateMismatch.note', { signedAt: when(signature.dateMismatch.signedAt), headerDate: when(signature.dateMismatch.headerDate) })}
        </p>
      ) : null}
      {signature.keyProblem === 'expired' ? <Bar intent="warning">{t('crypto.signature.expired')}</Bar> : null}
      {status.protectedSubject ? <p data-testid="protected-subject">{t('crypto.protectedSubject')}</p> : null}
    </div>
  );
}
