// Module hooks for the start-up bench: `electron` is the stub beside this file, and the
// unpackaged main's development-only local environment (dist/.../dev/local-env.mjs, never
// in a packaged build) is an empty module, so what loads is the product alone.
export function resolve(specifier, context, next) {
  if (specifier === 'electron') return { url: new URL('./electron-stub.mjs', import.meta.url).href, shortCircuit: true };
  if (/\/dev\/local-env\.mjs$/.test(specifier)) return { url: new URL('./no-local-env.mjs', import.meta.url).href, shortCircuit: true };
  return next(specifier, context);
}
