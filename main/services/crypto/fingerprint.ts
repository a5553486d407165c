/** "A1B2C3D4E5F6…" → "A1B2 C3D4 E5F6 …": groups of four are how people read fingerprints aloud. */
export function groupFingerprint(fingerprint: string): string {
  return fingerprint
    .toUpperCase()
    .replace(/[^0-9A-F]/g, '')
    .replace(/(.{4})(?!$)/g, '$1 ')
    .replace(/^((?:\S{4} ){4}\S{4}) /, '$1  ');
}
