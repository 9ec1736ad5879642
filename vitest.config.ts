import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// One runner, five projects. `npm test` (tests/run-all.mjs) runs them all after the
// type and lint checks; each project can also be run alone with `--project NAME`.
//
// unit and integration differ by one rule (README, "Unit and integration tests"): a unit
// test opens no socket and starts no process. The unit project's setup file makes that
// rule fail loudly. Anything that needs a server, the local environment, a child process
// or a service-spawning tool (esbuild's API) is an integration test.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/unit/no-io.setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'component',
          include: ['tests/component/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'conformance',
          include: ['tests/conformance/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: the CI machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
