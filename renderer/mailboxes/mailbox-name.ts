import type { MailboxInfo } from '../../shared/domain.js';
import type { MessageKey } from '../i18n/catalogs.js';
import type { Translate } from '../i18n/use-t.js';

const SPECIAL_USE_KEYS: Record<string, MessageKey> = {
  '\\Inbox': 'mailbox.inbox',
  '\\Sent': 'mailbox.sent',
  '\\Drafts': 'mailbox.drafts',
  '\\Trash': 'mailbox.trash',
  '\\Junk': 'mailbox.junk',
  '\\Archive': 'mailbox.archive',
};

/** Special folders in the user's language; everything else as the server names it. */
export function mailboxDisplayName(t: Translate, mailbox: Pick<MailboxInfo, 'name' | 'specialUse'>): string {
  const key = mailbox.specialUse ? SPECIAL_USE_KEYS[mailbox.specialUse] : undefined;
  return key ? t(key) : mailbox.name;
}
