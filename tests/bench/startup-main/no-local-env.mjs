// The development-only local environment, absent as in a packaged build (see hooks.mjs).
export async function startLocalEnvironment() {
  throw new Error('The start-up bench has no local environment.');
}
