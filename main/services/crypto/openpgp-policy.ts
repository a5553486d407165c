/**
 * The one place openpgp.js is configured. Passed to every call (never by mutating the library's
 * global config) so no code path can run with looser settings: no unauthenticated (non-MDC/AEAD)
 * ciphertext, strict packet grammar, no weak hashes or short RSA keys, and v4 keys by default so
 * GnuPG and Thunderbird can read what Sinetti produces.
 */
import { config as libraryDefaults, enums, type Config, type PartialConfig } from 'openpgp';

export const OPENPGP_CONFIG: PartialConfig = {
  allowUnauthenticatedMessages: false,
  allowUnauthenticatedStream: false,
  enforceGrammar: true,
  minRSABits: 2048,
  rejectHashAlgorithms: new Set([enums.hash.md5, enums.hash.ripemd, enums.hash.sha1]),
  rejectMessageHashAlgorithms: new Set([enums.hash.md5, enums.hash.ripemd, enums.hash.sha1]),
  v6Keys: false,
  // Argon2 needs v6 keys (or AEAD-protected v4, which GnuPG 2.2 cannot read): interop wins for v4.
  s2kType: enums.s2k.iterated,
  aeadProtect: false,
};

/** The same, complete, for the methods that take a whole Config (armor, key checks). */
export const OPENPGP_FULL_CONFIG: Config = { ...libraryDefaults, ...OPENPGP_CONFIG } as Config;
