// Writes resources/THIRD-PARTY-NOTICES.txt, shipped beside the app: the licence text of every
// package the installed app contains. That is the production `dependencies` (the main
// process loads them from node_modules) and what the renderer bundle imports (Vite bundles
// it into dist/renderer), each with everything it depends on, walked through node_modules
// as Node resolves them. A package without a licence file fails the build: nothing ships
// whose terms we cannot show. Electron's own licences (LICENSE, LICENSES.chromium.html)
// are in the installed folder already.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const LICENCE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i;

/** Bare package names a source file imports at run time (not `import type`). */
export function importedPackages(source) {
  const names = new Set();
  const pattern = /(?:^|[\s;])import\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[1] ?? match[2];
    if (!specifier || specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || specifier.startsWith('@/'))
      continue;
    const parts = specifier.split('?')[0].split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return names;
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(p);
    return /\.(ts|vue|mjs|js)$/.test(entry.name) ? [p] : [];
  });
}

/**
 * Some packages publish their licence only as a section of their README (isarray, for one):
 * that section, when it holds a licence text (a copyright line or a grant), stands in.
 */
export function readmeLicenceSection(readme) {
  const lines = readme.split(/\r?\n/);
  const start = lines.findIndex((line) => /^#{1,3}\s*licen[cs]e\b/i.test(line.trim()));
  if (start < 0) return null;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^#{1,3}\s/.test(line));
  const text = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim();
  return /copyright|permission is hereby granted/i.test(text) ? text : null;
}

function licenceFiles(dir) {
  const files = readdirSync(dir)
    .filter((f) => LICENCE_FILE.test(f))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(path.join(dir, f), 'utf8').trim() }));
  if (files.length > 0) return files;
  const readme = readdirSync(dir).find((f) => /^readme(\.(md|markdown|txt))?$/i.test(f));
  const section = readme ? readmeLicenceSection(readFileSync(path.join(dir, readme), 'utf8')) : null;
  return section ? [{ name: `${readme} (its licence section)`, text: section }] : [];
}

/** Where Node finds `name` from a package at `fromDir`: its own node_modules, then each parent's. */
function resolvePackageDir(name, fromDir, root) {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.resolve(dir) === path.resolve(root)) return null;
    const parent = path.dirname(dir);
    dir = path.basename(parent) === 'node_modules' ? path.dirname(parent) : parent;
    if (path.basename(dir).startsWith('@') && path.basename(path.dirname(dir)) === 'node_modules') dir = path.dirname(path.dirname(dir));
  }
}

/**
 * Every shipped package with its licence text.
 * @returns {{ packages: { name: string, version: string, license: string, files: { name: string, text: string }[] }[], missing: string[] }}
 */
export function collectNotices(root, { rendererDir = path.join(root, 'renderer') } = {}) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const rendererImports = new Set();
  for (const file of sourceFiles(rendererDir)) {
    if (path.basename(file) === 'vite.config.ts') continue;
    for (const name of importedPackages(readFileSync(file, 'utf8'))) rendererImports.add(name);
  }
  const roots = [...new Set([...Object.keys(pkg.dependencies ?? {}), ...rendererImports])];
  const seen = new Map();
  const missing = [];
  const mainRoots = new Set(Object.keys(pkg.dependencies ?? {}));
  // Optional dependencies (platform-specific native parts) ship only where electron-builder
  // packs node_modules, for the main process; Vite bundles only what the renderer imports.
  const queue = roots.map((name) => ({ name, from: root, optional: false, main: mainRoots.has(name) }));
  while (queue.length > 0) {
    const { name, from, optional, main } = queue.shift();
    const dir = resolvePackageDir(name, from, root);
    if (!dir) {
      if (!optional) missing.push(`${name} (required from ${path.relative(root, from) || 'the app'}) is not installed`);
      continue;
    }
    if (seen.has(dir)) continue;
    const meta = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const files = licenceFiles(dir);
    const license = typeof meta.license === 'string' ? meta.license : (meta.license?.type ?? 'UNKNOWN');
    seen.set(dir, { name: meta.name ?? name, version: meta.version ?? '', license, files });
    if (files.length === 0) missing.push(`${meta.name ?? name}@${meta.version} (${path.relative(root, dir)}) has no licence file`);
    for (const dep of Object.keys(meta.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false, main });
    if (main) for (const dep of Object.keys(meta.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true, main });
  }
  // One entry per name and version, however many copies node_modules holds.
  const unique = new Map([...seen.values()].map((p) => [`${p.name}@${p.version}`, p]));
  const packages = [...unique.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  return { packages, missing };
}

export function formatNotices(packages, productName) {
  const rule = '='.repeat(78);
  const head = [
    `${productName}: third-party notices`,
    '',
    `${productName} contains the following ${packages.length} open-source packages. Each one's licence`,
    'follows, as its authors published it. Electron and Chromium licences are in LICENSE and',
    'LICENSES.chromium.html in the installation folder.',
    '',
  ];
  const body = packages.flatMap((p) => [rule, `${p.name} ${p.version} (${p.license})`, rule, '', ...p.files.flatMap((f) => [f.text, ''])]);
  return `${[...head, ...body].join('\n')}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = process.cwd();
  const { packages, missing } = collectNotices(root);
  if (missing.length > 0) {
    console.error(`Third-party notices: ${missing.length} shipped package(s) without a licence; the build stops here:`);
    for (const line of missing) console.error(`  - ${line}`);
    process.exit(1);
  }
  const productName = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).productName;
  const out = path.join(root, 'resources', 'THIRD-PARTY-NOTICES.txt');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, formatNotices(packages, productName));
  console.log(`Third-party notices: ${packages.length} packages written to ${path.relative(root, out)}`);
}
