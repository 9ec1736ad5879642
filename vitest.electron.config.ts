import { defineConfig } from 'vitest/config';

// `npm run test:electron`: the Electron app itself through Playwright's _electron, on a
// machine with the Electron runtime (CI's workflows). Not part of `npm test`.
export default defineConfig({
  test: {
    name: 'electron',
    include: ['tests/electron/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
