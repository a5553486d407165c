// electron-builder `msiProjectCreated` hook (electron-builder.yml): runs on IT's build host after
// the WiX project is written and before it is compiled. electron-builder's MSI template has no
// place for our own properties, so this adds one:
//
//   SINETTIUPDATES  "1" (default) or "0". With SINETTIUPDATES=0 on the msiexec command line (SCCM,
//                   Intune) the installer writes HKLM\SOFTWARE\Sinetti\Installer
//                   UpdatesDisabled = 1 (DWORD), which the app reads as "no update checks, whatever
//                   else is configured" (main/electron/updates/installer-update-switch.ts). HKLM:
//                   only administrators can remove it; uninstalling removes it.
//
// Kept dependency-free (plain string edits, checked by test/unit/electron/msi-project-hook.test.ts
// against electron-builder's own template): the build host runs it inside electron-builder.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');

// Fixed for the product's lifetime: MSI finds the component to remove/upgrade by it.
const COMPONENT_GUID = '6F0E3A52-8B9C-4D1E-9A7B-3C2D5E4F6A10';

const PROPERTY = '    <Property Id="SINETTIUPDATES" Secure="yes" Value="1"/>\n';
const COMPONENT = [
  '    <DirectoryRef Id="APPLICATIONFOLDER">',
  `      <Component Id="SinettiUpdatesOffByInstaller" Guid="${COMPONENT_GUID}">`,
  '        <Condition><![CDATA[SINETTIUPDATES = "0"]]></Condition>',
  '        <RegistryValue Root="HKLM" Key="SOFTWARE\\Sinetti\\Installer" Name="UpdatesDisabled" Type="integer" Value="1" KeyPath="yes"/>',
  '      </Component>',
  '    </DirectoryRef>',
  '',
].join('\n');
const COMPONENT_REF = '      <ComponentRef Id="SinettiUpdatesOffByInstaller"/>\n';

/** The project text with the updates property and its registry component added. */
function addUpdatesSwitch(wxs) {
  if (wxs.includes('Id="SINETTIUPDATES"')) return wxs;
  const feature = /(<Feature Id="ProductFeature"[^>]*>\s*\n)/;
  const end = '</Product>';
  if (!feature.test(wxs) || !wxs.includes(end) || !wxs.includes('<Directory Id="APPLICATIONFOLDER"')) {
    // Fail the build instead of shipping an MSI without the switch IT relies on.
    throw new Error('msi-project-created: the WiX project does not have the expected Feature/Product/APPLICATIONFOLDER; update the hook');
  }
  return wxs.replace(feature, `$1${COMPONENT_REF}`).replace(end, `${PROPERTY}${COMPONENT}  ${end}`);
}

module.exports = async function msiProjectCreated(projectFile) {
  writeFileSync(projectFile, addUpdatesSwitch(readFileSync(projectFile, 'utf8')));
};
module.exports.addUpdatesSwitch = addUpdatesSwitch;
