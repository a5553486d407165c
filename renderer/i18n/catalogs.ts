import { LOCALES, type Locale } from '../../shared/domain.js';
import { en } from './messages/en.js';
import { fi, type MessageKey } from './messages/fi.js';
import { svFI } from './messages/sv-FI.js';

export type { MessageKey };

export const DEFAULT_LOCALE: Locale = 'fi';

export const catalogs: Record<Locale, Record<MessageKey, string>> = { fi, 'sv-FI': svFI, en };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
