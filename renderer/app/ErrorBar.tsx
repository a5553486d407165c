import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, type MessageBarIntent } from '@fluentui/react-components';
import { DismissRegular } from '@fluentui/react-icons';
import type { ReactNode } from 'react';
import type { AppError } from '../../shared/result.js';
import { describeError } from '../i18n/error-text.js';
import { useT } from '../i18n/use-t.js';

interface BarProps {
  intent: MessageBarIntent;
  title?: string;
  children: ReactNode;
  onDismiss?: () => void;
  'data-testid'?: string;
  [data: `data-${string}`]: string | number | undefined;
}

/**
 * A MessageBar with a live-region role: errors are alerts, everything else is status. Without
 * a title, Fluent's aria-labelledby would point at nothing, so it is dropped.
 */
export function Bar({ intent, title, children, onDismiss, ...data }: BarProps) {
  const t = useT();
  return (
    <MessageBar intent={intent} role={intent === 'error' ? 'alert' : 'status'} {...(title ? {} : { 'aria-labelledby': undefined })} {...data}>
      <MessageBarBody>
        {title ? <MessageBarTitle>{title}</MessageBarTitle> : null}
        {children}
      </MessageBarBody>
      {onDismiss ? (
        <MessageBarActions
          containerAction={<Button appearance="transparent" aria-label={t('notice.dismiss')} icon={<DismissRegular />} onClick={onDismiss} />}
        />
      ) : null}
    </MessageBar>
  );
}

/** A failed contract call, explained in the user's language. */
export function ErrorBar({ error, onDismiss }: { error: AppError; onDismiss?: () => void }) {
  const t = useT();
  const { text, details } = describeError(t, error);
  return (
    <Bar intent="error" title={t('error.title')} onDismiss={onDismiss} data-testid="error-bar" data-code={error.code}>
      {text}
      {details ? <div>{details}</div> : null}
    </Bar>
  );
}

export function NoticeBar({ text, onDismiss }: { text: string; onDismiss: () => void }) {
  return (
    <Bar intent="success" onDismiss={onDismiss} data-testid="notice-bar">
      {text}
    </Bar>
  );
}
