import { Button, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { Component, type ReactNode } from 'react';
import { useT } from '../i18n/use-t.js';

interface Props {
  children: ReactNode;
  /** Changing this clears a caught error (e.g. another message was opened). */
  resetKey?: unknown;
}

/** Keeps one broken view (a hostile message, a bug) from blanking the whole app. */
export class ErrorBoundary extends Component<Props, { failed: boolean; resetKey: unknown }> {
  override state = { failed: false, resetKey: this.props.resetKey };

  static getDerivedStateFromError(): Partial<{ failed: boolean }> {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: Props, state: { failed: boolean; resetKey: unknown }) {
    return props.resetKey !== state.resetKey ? { failed: false, resetKey: props.resetKey } : null;
  }

  override componentDidCatch(error: unknown): void {
    // Only the error's name: its message or stack could quote message content.
    console.error('view crashed', error instanceof Error ? error.name : typeof error);
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return <CrashNotice onRetry={() => this.setState({ failed: false })} />;
  }
}

function CrashNotice({ onRetry }: { onRetry: () => void }) {
  const t = useT();
  return (
    <MessageBar intent="error" role="alert" data-testid="view-crashed">
      <MessageBarBody>
        <MessageBarTitle>{t('boundary.title')}</MessageBarTitle>
        <Button appearance="secondary" size="small" onClick={onRetry}>
          {t('boundary.retry')}
        </Button>
      </MessageBarBody>
    </MessageBar>
  );
}
