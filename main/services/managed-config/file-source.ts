/**
 * A managed configuration document in a file IT installed: `/etc/sinetti/managed-config.json`
 * on Linux, the configuration profile's managed preferences on macOS (a plist, read as JSON by
 * `plutil`). A file ordinary users could have written is refused before it is read, on every
 * platform (managed-policy-protection.ts), as an invalid configuration naming the reason.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ProtectionCheck } from '../policy/managed-policy.js';
import { posixProtectionProblem } from '../policy/managed-policy-protection.js';
import type { ManagedConfigSource, SourceRead } from './managed-config-source.js';

export interface FileSourceOptions {
  path: string;
  /** The file's text as a JSON document (JSON files: as is; plists: converted by plutil). */
  toJson?: (path: string) => string;
  /** Null: the file is not checked (development and tests only, never the product). */
  protection: ProtectionCheck | null;
}

export function fileSource(options: FileSourceOptions): ManagedConfigSource {
  const toJson = options.toJson ?? ((path: string) => readFileSync(path, 'utf8'));
  return {
    locations: [options.path],
    watchDirectories: [dirname(options.path)],
    read(): SourceRead {
      try {
        statSync(options.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'absent' };
        return { status: 'invalid', problems: [`${options.path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`] };
      }
      try {
        const problem = options.protection?.(options.path) ?? null;
        if (problem)
          return {
            status: 'invalid',
            problems: [
              `${options.path} refused because ordinary users could change it: ${problem} (it and every folder above it must be writable only by administrators)`,
            ],
          };
        let document: unknown;
        try {
          document = JSON.parse(toJson(options.path));
        } catch (error) {
          return { status: 'invalid', problems: [`${options.path} is not a valid document: ${(error as Error).message.split('\n')[0]}`] };
        }
        if (!document || typeof document !== 'object' || Array.isArray(document))
          return { status: 'invalid', problems: [`${options.path} does not hold an object`] };
        const { enforced, defaults, $schema: _schema, ...rest } = document as Record<string, unknown>;
        if (Object.keys(rest).length)
          return {
            status: 'invalid',
            problems: [
              `${options.path}: unknown field${Object.keys(rest).length > 1 ? 's' : ''} ${Object.keys(rest)
                .map((k) => `"${k}"`)
                .join(', ')} (expected "enforced" and "defaults")`,
            ],
          };
        return { status: 'ok', enforced, defaults };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'absent' };
        return {
          status: 'invalid',
          problems: [`${options.path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message.split('\n')[0]}`],
        };
      }
    },
  };
}

export const LINUX_MANAGED_CONFIG = '/etc/sinetti/managed-config.json';
/** The payload of a configuration profile for the app's bundle id, as macOS installs it (root-owned). */
export const MACOS_MANAGED_CONFIG = '/Library/Managed Preferences/fi.sinetti.desktop.plist';
export const PLUTIL = '/usr/bin/plutil';

/** `plutil -convert json` by absolute path with no inherited environment: Apple's own plist reader, binary or XML. */
export const plutilToJson = (path: string): string =>
  execFileSync(PLUTIL, ['-convert', 'json', '-o', '-', '--', path], { encoding: 'utf8', timeout: 20_000, env: {} });

export function linuxSource(): ManagedConfigSource {
  return fileSource({ path: LINUX_MANAGED_CONFIG, protection: posixProtectionProblem });
}

export function macosSource(toJson: (path: string) => string = plutilToJson, protection: ProtectionCheck = posixProtectionProblem): ManagedConfigSource {
  return fileSource({ path: MACOS_MANAGED_CONFIG, toJson, protection });
}
