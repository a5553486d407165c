/**
 * Trust boundary: the one function that opens anything outside the app. Every caller (the
 * app:link:open channel through the services, window.open from a page) goes through it, and it
 * vets the URL itself with shared/external-url.ts, whatever the caller already checked:
 * only https: and mailto:, parsed, no credentials.
 */
import { vetExternalUrl } from '../../shared/external-url.js';
import { ServiceError } from '../../shared/result.js';

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

export type ExternalOpener = (url: string) => Promise<void>;

export function createExternalOpener(shell: ShellLike): ExternalOpener {
  return async (raw: string) => {
    const vetted = vetExternalUrl(raw);
    if (vetted === null) {
      throw new ServiceError('UNSAFE_URL', 'Only https: and mailto: links can be opened outside Sinetti.');
    }
    // electronegativity: OPEN_EXTERNAL_JS_CHECK — only the vetted URL (real URL parsing, https: and
    // restricted mailto: only, shared/external-url.ts) is opened; tested in navigation.security.test.ts.
    await shell.openExternal(vetted);
  };
}
