// electron-builder's MSI has no option to make the desktop shortcut optional at install
// time: its template (app-builder-lib/templates/msi/template.xml) and MsiTarget.js put the
// shortcut inside the main executable's own component, so nothing can leave it out without
// leaving out the program too. electron-builder calls `msiProjectCreated` with the path of
// the generated project.wxs before candle compiles it; this hook moves the desktop shortcut
// into a component of its own, installed only when the public property DESKTOPSHORTCUT is
// 1 (the default):
//
//   msiexec /i "e-RS Triage 0.1.0.msi" /qn DESKTOPSHORTCUT=0
//
// leaves the desktop shortcut out; the Start menu shortcut always stays with the program.
// The component follows the Windows Installer rules for a shortcut in a profile folder
// (ICE38, ICE43): a registry value under HKCU as its key path, and a fixed GUID so upgrades
// and repairs treat it as the same component. The build fails, rather than shipping an
// installer without the property, when electron-builder's output no longer has the shape
// this expects.
const { readFile, writeFile } = require('node:fs/promises');

const PROPERTY = 'DESKTOPSHORTCUT';
/** Fixed for the life of the product, as the upgrade code is. */
const COMPONENT_GUID = '{6F0C2D2E-7A51-4B8B-9A36-3C1E5D0B8F42}';

function attribute(element, name) {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(element);
  if (!match) throw new Error(`msiProjectCreated: the desktop shortcut in electron-builder's project.wxs has no ${name}.`);
  return match[1];
}

function once(text, pattern, what) {
  const found = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? [];
  if (found.length !== 1) {
    throw new Error(
      `msiProjectCreated: expected one ${what} in electron-builder's project.wxs, found ${found.length}; check build/msi-desktop-shortcut.cjs against this electron-builder.`,
    );
  }
  return found[0];
}

/** project.wxs with the desktop shortcut in its own component, conditioned on DESKTOPSHORTCUT. */
function makeDesktopShortcutOptional(wxs) {
  const shortcut = once(wxs, /^[ \t]*<Shortcut Id="desktopShortcut"[^>]*\/>\r?\n/m, 'desktop shortcut');
  const name = attribute(shortcut, 'Name');
  const icon = attribute(shortcut, 'Icon');
  once(wxs, /<Directory Id="DesktopFolder"[^>]*\/>/, 'desktop folder');
  once(wxs, /<File [^>]*Id="mainExecutable"/, 'main executable');
  const anchorProperty = once(wxs, /<Property Id="DISABLEADVTSHORTCUTS" Value="1"\/>/, 'DISABLEADVTSHORTCUTS property');
  const endOfComponents = once(wxs, /<\/ComponentGroup>/, 'component group');
  const component = [
    `<Component Id="desktopShortcutComponent" Directory="DesktopFolder" Guid="${COMPONENT_GUID}">`,
    `        <Condition><![CDATA[${PROPERTY} = "1"]]></Condition>`,
    `        <Shortcut Id="desktopShortcut" Name="${name}" Target="[#mainExecutable]" WorkingDirectory="APPLICATIONFOLDER" Icon="${icon}"/>`,
    `        <RegistryValue Root="HKCU" Key="Software\\NHS\\e-RS Triage" Name="DesktopShortcut" Type="integer" Value="1" KeyPath="yes"/>`,
    `      </Component>`,
    `    `,
  ].join('\n');
  return wxs
    .replace(shortcut, '')
    .replace(
      anchorProperty,
      `${anchorProperty}\n    <!-- Public: msiexec /i ... ${PROPERTY}=0 installs no desktop shortcut. -->\n    <Property Id="${PROPERTY}" Value="1" Secure="yes"/>`,
    )
    .replace(endOfComponents, `  ${component}${endOfComponents}`);
}

/** electron-builder's hook: called with the path of project.wxs before it is compiled. */
async function msiProjectCreated(projectFile) {
  const wxs = await readFile(projectFile, 'utf8');
  await writeFile(projectFile, makeDesktopShortcutOptional(wxs));
  console.log(`MSI: desktop shortcut optional through ${PROPERTY} (default 1; ${PROPERTY}=0 leaves it out).`);
}

module.exports = { msiProjectCreated, makeDesktopShortcutOptional, PROPERTY, COMPONENT_GUID };
