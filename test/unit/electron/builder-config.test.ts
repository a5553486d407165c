/**
 * electron-builder.yml is only ever used on IT's build host (packaging needs downloads this
 * machine cannot make), so it is checked here: against electron-builder's own JSON schema, through
 * electron-builder's own validator, and for the deployment and security settings we rely on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
/** The parts of the configuration the assertions read (the schema checks cover the rest). */
interface BuilderConfig {
  [option: string]: unknown;
  files: string[];
  asarUnpack: string[];
  nsis: Record<string, unknown>;
  mac: Record<string, unknown> & { entitlements: string };
  msi: Record<string, unknown>;
  win: { target: unknown; signtoolOptions: { signingHashAlgorithms: string[] } };
  linux: { target: { target: string }[]; category: string };
  deb: { depends: string[] };
}
const config = parse(readFileSync(`${repo}electron-builder.yml`, 'utf8')) as BuilderConfig;
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;

function schemaValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // electron-builder's schema marks function-valued options with a custom `typeof` keyword.
  ajv.addKeyword({ keyword: 'typeof', validate: (expected: string, data: unknown) => typeof data === expected });
  return ajv.compile(schema);
}

describe('electron-builder.yml', () => {
  // Compiling electron-builder's 10,000-line schema takes seconds on a loaded 2-core machine.
  it('validates against electron-builder’s JSON schema', { timeout: 60_000 }, () => {
    const validate = schemaValidator();
    expect(validate(config), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(validate({ ...config, nsis: { ...config.nsis, perMachine: 'yes' } })).toBe(false);
    expect(validate({ ...config, asarUnpak: ['x'] })).toBe(false);
  });

  it('is accepted by electron-builder’s own configuration validator', { timeout: 60_000 }, async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, logger: { isEnabled: boolean }): Promise<void>;
    };
    await expect(validateConfiguration(structuredClone(config), { isEnabled: false })).resolves.toBeUndefined();
    // The validator really validates: a misspelt or mistyped option is refused.
    await expect(validateConfiguration({ ...config, nsis: { ...config.nsis, perMachine: 'yes' } }, { isEnabled: false })).rejects.toThrow();
    await expect(validateConfiguration({ ...config, mac: { ...config.mac, hardenRuntime: true } }, { isEnabled: false })).rejects.toThrow();
  });

  it('identifies the app and writes installers to dist/installers', () => {
    expect(config.appId).toBe('fi.sinetti.desktop');
    expect(config.productName).toBe('Sinetti');
    expect(config.directories).toEqual({ output: 'dist/installers', buildResources: 'resources' });
  });

  it('packs only the built app into an asar, with the keytar addon unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', 'package.json']));
    expect(config.files.filter((f) => !f.startsWith('!'))).toEqual(['dist/electron/**', 'dist/renderer/**', 'package.json', 'update-signing-key.pem']);
    expect(config.asarUnpack).toEqual(expect.arrayContaining([expect.stringMatching(/@github\/keytar.*\.node$/)]));
    const manifest = JSON.parse(readFileSync(`${repo}package.json`, 'utf8')) as { main: string };
    expect(manifest.main).toBe('dist/electron/main.cjs');
  });

  it('burns the hardening fuses into the binary', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('builds a per-machine assisted NSIS installer and a per-machine MSI for x64 and arm64', () => {
    expect(config.win.target).toEqual([
      { target: 'nsis', arch: ['x64', 'arm64'] },
      { target: 'msi', arch: ['x64', 'arm64'] },
    ]);
    // ALLUSERS=1 comes from perMachine (electron-builder's WiX template); the upgrade code never changes.
    expect(config.msi).toMatchObject({ perMachine: true, upgradeCode: '3B5D8C1E-7A42-4F96-B0E3-52C1D9A6E874', runAfterFinish: false });
    expect(config.msiProjectCreated).toBe('scripts/packaging/msi-project-created.cjs');
    expect(existsSync(`${repo}${String(config.msiProjectCreated)}`)).toBe(true);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false, allowElevation: true });
    expect(config.win.signtoolOptions.signingHashAlgorithms).toEqual(['sha256']);
  });

  it('builds a hardened-runtime, notarized macOS dmg with minimal entitlements', () => {
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true, category: 'public.app-category.productivity' });
    const entitlements = readFileSync(`${repo}${config.mac.entitlements}`, 'utf8');
    expect(entitlements).toContain('com.apple.security.cs.allow-jit');
    for (const risky of ['allow-unsigned-executable-memory', 'disable-library-validation', 'allow-dyld-environment-variables', 'get-task-allow']) {
      expect(entitlements).not.toContain(risky);
    }
  });

  it('builds deb and AppImage for Linux in the mail categories, with libsecret for the keychain', () => {
    expect(config.linux.target.map((t) => t.target)).toEqual(['deb', 'AppImage']);
    expect(config.linux.category).toBe('Office;Network;Email');
    expect(config.deb.depends).toContain('libsecret-1-0');
  });

  it('registers no file types or URL schemes and has no update feed', () => {
    expect(config.fileAssociations).toEqual([]);
    expect(config.protocols).toEqual([]);
    expect(config.publish).toBeNull();
  });

  it('holds no signing secrets (they come from the build host’s environment)', () => {
    const text = readFileSync(`${repo}electron-builder.yml`, 'utf8');
    expect(text).not.toMatch(/^\s*(cscLink|cscKeyPassword|certificatePassword|certificateFile|appleIdPassword)\s*:/m);
    expect(text).not.toMatch(/-----BEGIN|MII[A-Za-z0-9+/]{40}/);
  });

  it('has the icon it names', () => {
    expect(existsSync(`${repo}resources/icon.png`)).toBe(true);
    const png = readFileSync(`${repo}resources/icon.png`);
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512); // width: electron-builder needs ≥ 512 for icns
  });
});
