import { defineConfig } from 'vitest/config';

// The Windows runner's checks of the operating system's own tools (reg.exe), run by
// windows-msi.yml as an administrator. Not part of `npm test`: they write to HKLM.
export default defineConfig({
  test: {
    name: 'windows',
    include: ['tests/windows/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
  },
});
