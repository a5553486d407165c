import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { ApiProvider } from './api/api-context.js';
import { resolveApi } from './api/index.js';
import { App } from './app/App.js';
import { ErrorBoundary } from './app/ErrorBoundary.js';
import { LocaleProvider } from './i18n/LocaleProvider.js';
import './styles.css';

// zod probes for eval with Function(''), which the CSP refuses (and reports); skip the probe.
z.config({ jitless: true });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <ApiProvider api={resolveApi()}>
      <LocaleProvider>
        <FluentProvider theme={webLightTheme} style={{ height: '100%' }}>
          <ErrorBoundary>
            <App />
          </ErrorBoundary>
        </FluentProvider>
      </LocaleProvider>
    </ApiProvider>
  </StrictMode>,
);
