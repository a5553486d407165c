/**
 * The three catalogs say the same things, and every id the renderer uses exists. Ids are typed
 * against the Finnish catalog (MessageKey; useT() only accepts those), so TypeScript already
 * refuses unknown literal ids; this scan also catches ids built from template strings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIntl } from 'react-intl';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../shared/result.js';
import { LOCALES } from '../../../shared/domain.js';
import { catalogs } from '../../../renderer/i18n/catalogs.js';
import { errorKey } from '../../../renderer/i18n/error-text.js';

const rendererDir = fileURLToPath(new URL('../../../renderer', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'messages' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('message catalogs', () => {
  const fi = catalogs.fi;
  const keys = Object.keys(fi).sort();

  it.each(LOCALES)('%s has exactly the Finnish keys, none empty', (locale) => {
    const catalog = catalogs[locale];
    expect(Object.keys(catalog).sort()).toEqual(keys);
    for (const [key, value] of Object.entries(catalog)) expect(value.trim(), `${locale} ${key}`).not.toBe('');
  });

  it.each(LOCALES)('%s messages are valid ICU and use the same placeholders', (locale) => {
    for (const key of keys) {
      const placeholders = (text: string) =>
        [...text.matchAll(/\{(\w+)/g)]
          .map((m) => m[1])
          .filter((name) => !['one', 'other'].includes(name!))
          .sort();
      const text = catalogs[locale][key as keyof typeof fi];
      const errors: unknown[] = [];
      const intl = createIntl({ locale, messages: catalogs[locale], onError: (error) => errors.push(error) });
      // A value for every placeholder the message names (numbers for plural arguments).
      const values = Object.fromEntries(placeholders(text).map((name) => [name, name === 'count' || name === 'total' ? 2 : 'x']));
      intl.formatMessage({ id: key }, values);
      expect(errors, `${locale} ${key}`).toEqual([]);
      expect([...new Set(placeholders(text))], `${locale} ${key}`).toEqual([...new Set(placeholders(fi[key as keyof typeof fi]))]);
    }
  });

  it('explains every error code of the contract', () => {
    for (const code of ERROR_CODES) {
      const key = errorKey(code);
      expect(key, code).not.toBeNull();
      expect(keys).toContain(key);
    }
  });

  it('has every id the renderer asks for', () => {
    const files = sources(rendererDir);
    expect(files.length).toBeGreaterThan(10);
    const used = new Set<string>();
    const templated: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*(['"`])([^'"`]+)\1/g)) {
        if (match[1] === '`' && match[2]!.includes('${')) templated.push(match[2]!);
        else used.add(match[2]!);
      }
      for (const match of text.matchAll(/\bid(?:=|:\s*)(['"])([a-z]+\.[\w.-]+)\1/g)) used.add(match[2]!);
      for (const match of text.matchAll(/\bkey:\s*'([a-z]+\.[\w.-]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(40);
    for (const id of used) expect(keys, `${id} is used but not in the catalogs`).toContain(id);
    // Template ids: every prefix they are built from must exist in the catalog.
    for (const template of templated) {
      const prefix = template.split('${')[0]!;
      expect(
        keys.some((key) => key.startsWith(prefix)),
        template,
      ).toBe(true);
    }
  });
});
