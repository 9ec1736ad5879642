// electron-builder configuration. Trusts install per machine from the MSI; managed
// installs never auto-update (IT ships new MSIs), so no `publish` provider is set.
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
  publish: null,
  electronUpdaterCompatibility: '>=99.0.0',
  win: {
    target: [{ target: 'msi', arch: ['x64'] }],
    icon: 'build/icon.ico',
  },
  msi: {
    perMachine: true,
    oneClick: true,
    // Fixed for the life of the product: Windows Installer uses it to upgrade in place.
    upgradeCode: '3986392d-882c-4cdd-8d98-b130d367d413',
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
