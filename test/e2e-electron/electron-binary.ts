/**
 * Where the Electron binary is, resolved exactly as the `electron` package would (path.txt in
 * node_modules/electron, or ELECTRON_OVERRIDE_DIST_PATH) — but without its download fallback,
 * which cannot work on machines without GitHub access.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ELECTRON_SKIP_REASON =
  'Electron smoke test skipped: Electron binary not available on this machine (no download access); run `npx install-electron` where it is';

function defaultPlatformPath(): string {
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (process.platform === 'win32') return 'electron.exe';
  return 'electron';
}

export function findElectronBinary(root: string): string | null {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  const fromPathFile = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = join(override, fromPathFile || defaultPlatformPath());
    return existsSync(binary) ? binary : null;
  }
  if (!fromPathFile) return null;
  const binary = join(root, 'node_modules', 'electron', 'dist', fromPathFile);
  return existsSync(binary) ? binary : null;
}
