import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import type { MessageKey } from './catalogs.js';

export type TranslateValues = Record<string, string | number>;
export type Translate = (id: MessageKey, values?: TranslateValues) => string;

/**
 * The one way components get text: ids are typed against the Finnish catalog, so a missing or
 * misspelt id is a compile error rather than a raw key on screen.
 */
export function useT(): Translate {
  const intl = useIntl();
  return useCallback((id, values) => intl.formatMessage({ id }, values), [intl]);
}
