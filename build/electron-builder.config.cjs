// electron-builder configuration. Trusts install per machine from the MSI; managed
// installs never auto-update (IT ships new MSIs), so no `publish` provider is set.
const { windowsSigning } = require('./windows-signing.cjs');

const signing = windowsSigning(process.env);
// Only when building for Windows does it matter; said once, in one line.
if (process.argv.some((arg) => arg === '--win' || arg === '-w' || arg.startsWith('--win='))) console.log(signing.line);

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'uk.nhs.ers-triage',
  productName: 'e-RS Triage',
  copyright: 'Synthetic data only in the local environment',
  directories: { output: 'release', buildResources: 'build' },
  // The product only: dist/dev (the local environment, for unpackaged development) is never packed.
  files: ['dist/main/**', 'dist/renderer/**', 'package.json', '!**/*.map', '!dist/dev/**'],
  extraResources: [{ from: 'resources', to: 'resources', filter: ['**/*'] }],
  asar: true,
  // Electron's fuses, flipped in the packaged binary: it cannot be run as plain Node, takes
  // no NODE_OPTIONS (nor NODE_EXTRA_CA_CERTS: certificates come from Windows through
  // Chromium) and no --inspect, encrypts its cookie store, and loads only the app.asar whose
  // integrity is embedded in the executable.
  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableCookieEncryption: true,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  // Rewrites the generated project.wxs before it is compiled: the DESKTOPSHORTCUT property.
  msiProjectCreated: './build/msi-desktop-shortcut.cjs',
  // asar integrity: electron-builder hashes app.asar and embeds the hash in the Windows
  // executable's resources (INTEGRITY/ELECTRONASAR) whenever `asar` is on and
  // `disableAsarIntegrity` is not set; the EnableEmbeddedAsarIntegrityValidation fuse makes
  // Electron check it. Never set disableAsarIntegrity (tests/unit/foundation/packaging.test.ts).
  publish: null,
  electronUpdaterCompatibility: '>=99.0.0',
  win: {
    target: [{ target: 'msi', arch: ['x64'] }],
    icon: 'build/icon.ico',
    // Azure Trusted Signing or signtool from CI secrets; none (said in one line) without them.
    ...signing.options,
  },
  msi: {
    perMachine: true,
    oneClick: true,
    // Fixed for the life of the product: Windows Installer uses it to upgrade in place.
    upgradeCode: '3986392d-882c-4cdd-8d98-b130d367d413',
    // The desktop shortcut is optional at install time: msiexec /i ... DESKTOPSHORTCUT=0
    // leaves it out (msiProjectCreated below; electron-builder has no option for it). The
    // Start menu shortcut always stays.
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'e-RS Triage',
    runAfterFinish: false,
    warningsAsErrors: true,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Office',
    icon: 'build/icon.png',
    maintainer: 'e-RS Triage developers',
  },
};
