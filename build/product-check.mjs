// What may be in the product: the check behind tests/integration/foundation/product-bundle.test.ts.
// Reads an esbuild metafile of the main bundle and package.json, and lists every way the
// shipped main process could contain or load development tooling.
import { builtinModules } from 'node:module';

/** Packages only the local environment (emulator and mocks) uses: never in the product. */
export const DEVELOPMENT_ONLY_PACKAGES = ['oidc-provider', 'pdf-lib', 'jpeg-js'];

const packageOf = (specifier) => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};
const isBuiltin = (specifier) => specifier.startsWith('node:') || builtinModules.includes(specifier) || specifier === 'electron';

/**
 * @param {import('esbuild').Metafile} metafile the main bundle's
 * @param {{ dependencies?: Record<string, string> }} packageJson
 * @returns {string[]} one sentence per problem; empty when the product is clean
 */
export function productProblems(metafile, packageJson) {
  const problems = [];
  const dependencies = Object.keys(packageJson.dependencies ?? {});
  for (const input of Object.keys(metafile.inputs)) {
    if (input.startsWith('local-env/') || input.includes('node_modules/@ers-triage/local-env/')) {
      problems.push(`the main bundle contains ${input} from the local environment`);
    }
    for (const name of DEVELOPMENT_ONLY_PACKAGES) {
      if (input.includes(`node_modules/${name}/`)) problems.push(`the main bundle contains ${input} (development-only package ${name})`);
    }
  }
  const externals = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports ?? []) {
      if (imported.external && !isBuiltin(imported.path)) externals.add(packageOf(imported.path));
    }
  }
  for (const name of externals) {
    if (DEVELOPMENT_ONLY_PACKAGES.includes(name) || name === '@ers-triage/local-env')
      problems.push(`the main bundle imports ${name}, which is development tooling`);
    else if (!dependencies.includes(name))
      problems.push(`the main bundle imports ${name}, which is not in dependencies, so the packaged app could not load it`);
  }
  for (const name of dependencies) {
    if (DEVELOPMENT_ONLY_PACKAGES.includes(name)) problems.push(`dependencies lists ${name}, which only the local environment uses`);
    else if (!externals.has(name))
      problems.push(
        `dependencies lists ${name}, which the packaged main process never loads (bundled by Vite, or development only): move it to devDependencies`,
      );
  }
  return problems;
}
