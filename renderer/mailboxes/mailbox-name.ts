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

/** Servers without SPECIAL-USE (often team mailboxes) still name these folders conventionally. */
const CONVENTIONAL_NAMES: Record<string, MessageKey> = {
  inbox: 'mailbox.inbox',
  sent: 'mailbox.sent',
  'sent items': 'mailbox.sent',
  drafts: 'mailbox.drafts',
  trash: 'mailbox.trash',
  'deleted items': 'mailbox.trash',
  junk: 'mailbox.junk',
  spam: 'mailbox.junk',
  archive: 'mailbox.archive',
};

/** Special folders in the user's language; everything else as the server names it. */
export function mailboxDisplayName(t: Translate, mailbox: Pick<MailboxInfo, 'name' | 'specialUse'>): string {
  const key = (mailbox.specialUse ? SPECIAL_USE_KEYS[mailbox.specialUse] : undefined) ?? CONVENTIONAL_NAMES[mailbox.name.toLowerCase()];
  return key ? t(key) : mailbox.name;
}
