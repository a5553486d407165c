import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import type { AppError } from '../../shared/result.js';
import { describeError } from '../i18n/error-text.js';
import { useT } from '../i18n/use-t.js';

/** A failed contract call, explained in the user's language. */
export function ErrorBar({ error, onDismiss }: { error: AppError; onDismiss?: () => void }) {
  const t = useT();
  const { text, details } = describeError(t, error);
  return (
    <MessageBar intent="error" data-testid="error-bar" data-code={error.code}>
      <MessageBarBody>
        <MessageBarTitle>{t('error.title')}</MessageBarTitle>
        {text}
        {details ? <div>{details}</div> : null}
      </MessageBarBody>
      {onDismiss ? (
        <MessageBarActions
          containerAction={<Button appearance="transparent" aria-label={t('notice.dismiss')} icon={<DismissRegular />} onClick={onDismiss} />}
        />
      ) : null}
    </MessageBar>
  );
}

export function NoticeBar({ text, onDismiss }: { text: string; onDismiss: () => void }) {
  const t = useT();
  return (
    <MessageBar intent="success" data-testid="notice-bar">
      <MessageBarBody>{text}</MessageBarBody>
      <MessageBarActions
        containerAction={<Button appearance="transparent" aria-label={t('notice.dismiss')} icon={<DismissRegular />} onClick={onDismiss} />}
      />
    </MessageBar>
  );
}
