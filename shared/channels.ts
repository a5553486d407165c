/**
 * The names of every request channel and the one event channel. Kept free of zod so the
 * preload bundle can list them without carrying the schemas.
 */
export const REQUEST_CHANNELS = [
  'app:info:get',
  'settings:ui:get',
  'settings:locale:set',
  'accounts:list',
  'accounts:connection:test',
  'accounts:add',
  'accounts:remove',
  // Accounts: edit and credentials (issues 12 and 14).
  'accounts:update',
  'accounts:credentials:set',
  'mail:mailboxes:list',
  'mail:messages:page',
  'mail:message:open',
  'mail:message:flags:set',
  'mail:message:move',
  'mail:message:delete',
  'mail:attachment:get',
  'app:link:open',
  'crypto:keys:list',
  'crypto:keys:generate',
  'crypto:keys:import',
  'crypto:keys:public:export',
  'crypto:keys:unlock',
  'crypto:keys:lock',
  'crypto:keys:revoke',
  'crypto:keys:revocation:export',
  'crypto:keys:revocation:apply',
  'policy:state:get',
  'policy:reload',
  'policy:preferences:set',
  'policy:false-positive:report',
  'config:managed:get',
  'config:personal:set',
  'send:identities:list',
  'send:evaluate',
  'send:submit',
  'send:outbox:list',
  'send:outbox:retry',
  'send:outbox:discard',
  'send:outbox:mark-sent',
  // Team keys (issue 3).
  'crypto:team:list',
  'crypto:team:create',
  'crypto:team:grant',
  'crypto:team:remove-member',
  'crypto:team:public:export',
  'crypto:team:grants:pending',
  'crypto:team:grants:preview',
  'crypto:team:grants:import',
  // Correspondents' public keyring (issue 3).
  'crypto:contacts:list',
  'crypto:contacts:import',
  'crypto:contacts:accept',
  'crypto:contacts:remove',
  'crypto:contacts:lookup',
  'crypto:contacts:import-from-message',
  // Composer (issue 5): reply/forward start, recipient suggestions, signatures and saved replies.
  'mail:message:compose-context',
  'send:correspondents:suggest',
  'settings:compose:get',
  'settings:compose:set',
  // Drafts (issue 5)
  'drafts:save',
  'drafts:list',
  'drafts:open',
  'drafts:discard',
  // Attachments in pieces (issue 9): the composer uploads, requests name uploads by id.
  'attachments:upload:begin',
  'attachments:upload:chunk',
  'attachments:release',
  // Idle lock (issue 15): the only channels served while the app is locked (with app:info:get, settings:ui:get).
  'app:lock:state',
  'app:lock:activity',
  'app:lock:now',
  'app:lock:unlock',
  // Updates wait for this (issue 15): outbox and open composers.
  'app:work:report',
  'app:work:state',
  // Team handling (issue 11): the team lead's board.
  'team:board:get',
  'team:board:close',
  'team:handover',
  'team:items:list',
  'team:item:get',
  'team:item:claim',
  'team:item:release',
  'team:item:status',
  'team:item:take-over',
  'team:item:reassign',
  // Search (issue 12): server-side for plain mail, the sealed local index for encrypted mail.
  'mail:search:start',
  'mail:search:more',
  'mail:search:end',
  // Audit trail (issue 13): lookup by identity code or address, own activity, export, verification.
  'audit:lookup',
  'audit:own',
  'audit:export',
  'audit:verify',
] as const;

export type RequestChannel = (typeof REQUEST_CHANNELS)[number];

/** Server-pushed mail events (new mail, expunges, flag changes, connection state). */
export const MAIL_EVENT_CHANNEL = 'mail:events' as const;

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && (REQUEST_CHANNELS as readonly string[]).includes(value);
}
