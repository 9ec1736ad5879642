import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// One runner, five projects. `npm test` (tests/run-all.mjs) runs them with the type and
// lint checks; each project can also be run alone with `--project NAME`.
//
// unit and integration differ by one rule (README, "Unit and integration tests"): a unit
// test opens no socket and starts no process. The unit project's setup file makes that
// rule fail loudly. Anything that needs a server, the local environment, a child process
// or a service-spawning tool (esbuild's API) is an integration test.
//
// Speed without trading away trust (README, "How long the tests take"):
// - Two workers. Vitest's default on a two-core machine is one, but much of a test run is
//   waiting on loopback HTTP and child processes, and a second worker fills that time.
// - No per-file isolation in any project: each worker imports the app's modules once and
//   runs file after file, instead of a fresh process importing everything for every file
//   (that was a third of the CPU). Every file sets up and tears down what it uses in its
//   own hooks; nothing relies on a fresh module graph.
// - Time limits are hang guards, not speed checks: generous, so a busy machine makes a
//   test slower, not red. Waits inside tests are on conditions (vi.waitFor, expect.poll).
export default defineConfig({
  test: {
    maxWorkers: 2,
    isolate: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/unit/no-io.setup.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        plugins: [vue()],
        test: {
          name: 'component',
          include: ['tests/component/**/*.test.ts'],
          environment: 'happy-dom',
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'conformance',
          include: ['tests/conformance/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 90_000,
          hookTimeout: 90_000,
          // One Chromium at a time: the CI machine has two cores. In a run of every project
          // in one process (npx vitest run) the e2e files go last, in their own group.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
