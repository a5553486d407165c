/**
 * The MSI's SINETTIUPDATES switch is added to electron-builder's own WiX template by our
 * msiProjectCreated hook (WiX is not on this machine): rendered here the way MsiTarget renders it,
 * with our electron-builder.yml options, then edited by the hook and checked as XML.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
const ejs = require('ejs') as { compile(template: string): (data: object) => string };
const { addUpdatesSwitch } = require(`${repo}scripts/packaging/msi-project-created.cjs`) as { addUpdatesSwitch(wxs: string): string };
const msi = (parse(readFileSync(`${repo}electron-builder.yml`, 'utf8')) as { msi: { perMachine: boolean; upgradeCode: string; oneClick: boolean } }).msi;

/** electron-builder's template rendered as MsiTarget.writeManifest does, for one file. */
function renderedProject(): string {
  const template = readFileSync(require.resolve('app-builder-lib/templates/msi/template.xml'), 'utf8')
    .replace(/{{/g, '<%')
    .replace(/}}/g, '%>')
    .replace(/\${([^}]+)}/g, '<%=$1%>');
  return ejs.compile(template)({
    productName: 'Sinetti',
    upgradeCode: msi.upgradeCode,
    version: '0.1.0.0',
    manufacturer: 'Sinetti',
    compressionLevel: 'high',
    iconPath: null,
    iconId: 'icon',
    isRunAfterFinish: false,
    isPerMachine: msi.perMachine,
    isAssisted: !msi.oneClick,
    isCreateDesktopShortcut: true,
    isCreateStartMenuShortcut: true,
    menuCategory: null,
    programFilesId: 'ProgramFiles64Folder',
    installationDirectoryWixName: 'Sinetti',
    dirs: [],
    files: ['<File Name="Sinetti.exe" Id="mainExecutable"/>'],
  });
}

/** Element names with their attributes, in document order; throws on malformed XML. */
function elements(xml: string): { name: string; attributes: Record<string, string> }[] {
  const out: { name: string; attributes: Record<string, string> }[] = [];
  const parser = new SaxesParser();
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => out.push({ name: tag.name, attributes: tag.attributes as Record<string, string> }));
  parser.write(xml).close();
  return out;
}

describe('msiProjectCreated hook', () => {
  it('adds the SINETTIUPDATES property and the component that writes UpdatesDisabled only when it is "0"', () => {
    const before = renderedProject();
    expect(elements(before).some((e) => e.attributes.Id === 'SINETTIUPDATES')).toBe(false);
    const after = addUpdatesSwitch(before);
    const tags = elements(after);
    expect(tags.find((e) => e.name === 'Property' && e.attributes.Id === 'SINETTIUPDATES')?.attributes).toMatchObject({ Secure: 'yes', Value: '1' });
    const registry = tags.find((e) => e.name === 'RegistryValue');
    expect(registry?.attributes).toMatchObject({ Root: 'HKLM', Key: 'SOFTWARE\\Sinetti\\Installer', Name: 'UpdatesDisabled', Type: 'integer', Value: '1' });
    expect(after).toContain('<Condition><![CDATA[SINETTIUPDATES = "0"]]></Condition>');
    // The component is part of the product's feature (otherwise WiX would leave it out).
    const featureAt = tags.findIndex((e) => e.name === 'Feature');
    expect(tags[featureAt + 1]).toEqual({ name: 'ComponentRef', attributes: { Id: 'SinettiUpdatesOffByInstaller' } });
    expect(addUpdatesSwitch(after)).toBe(after);
  });

  it('keeps the template’s per-machine ALLUSERS=1 and our fixed upgrade code', () => {
    const tags = elements(addUpdatesSwitch(renderedProject()));
    expect(tags.find((e) => e.name === 'Property' && e.attributes.Id === 'ALLUSERS')?.attributes.Value).toBe('1');
    expect(tags.find((e) => e.name === 'Product')?.attributes.UpgradeCode).toBe(msi.upgradeCode);
  });

  it('fails the build when the template no longer has the places it edits', () => {
    expect(() => addUpdatesSwitch('<Wix><Product></Product></Wix>')).toThrow(/update the hook/);
  });
});
