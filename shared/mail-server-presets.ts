/**
 * The usual servers for an address, so a person types an address and a password and little
 * else. Discovery over the network (Mozilla's autoconfig, RFC 6186 SRV records) would tell a
 * third party and DNS which organisation's mail is being set up, and is not reachable from the
 * workstations here anyway: a fixed table of common providers, and for any other domain the
 * SMTP server defaults to the IMAP server on the submission port (README, "Accounts").
 */
import type { AccountSecurity } from './domain.js';

export interface ServerSettings {
  host: string;
  port: number;
  security: AccountSecurity;
}

export interface ServerPreset {
  /** What the form shows as the source of the settings, e.g. "Microsoft 365". */
  provider: string;
  imap: ServerSettings;
  smtp: ServerSettings;
  /** The provider needs the organisation's sign-in (OAuth2), not a password. */
  oauth2?: boolean;
}

const MICROSOFT_365: ServerPreset = {
  provider: 'Microsoft 365',
  imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
  smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
  oauth2: true,
};

const PRESETS: Record<string, ServerPreset> = {
  'outlook.com': MICROSOFT_365,
  'hotmail.com': MICROSOFT_365,
  'live.com': MICROSOFT_365,
  'gmail.com': {
    provider: 'Google',
    imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
    oauth2: true,
  },
  'icloud.com': {
    provider: 'iCloud',
    imap: { host: 'imap.mail.me.com', port: 993, security: 'tls' },
    smtp: { host: 'smtp.mail.me.com', port: 587, security: 'starttls' },
  },
};

/** The preset for the address's domain (also its `onmicrosoft.com` tenant domains), or null. */
export function presetForAddress(address: string): ServerPreset | null {
  const domain = /^[^@\s]+@([^@\s]+)$/.exec(address.trim())?.[1]?.toLowerCase();
  if (!domain) return null;
  if (domain.endsWith('.onmicrosoft.com')) return MICROSOFT_365;
  return PRESETS[domain] ?? null;
}

/** The SMTP server to use when none is given: the IMAP host on the submission port for its security. */
export function defaultSmtpFor(imap: ServerSettings): ServerSettings {
  return { host: imap.host, port: imap.security === 'tls' ? 465 : imap.security === 'starttls' ? 587 : 25, security: imap.security };
}
