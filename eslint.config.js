// Lint, with the process layering as rules (after VS Code's layers):
//  - only electron/main.ts, electron/preload.ts and electron/platform/electron-platform.ts
//    may import 'electron'; everything else in electron/ is plain Node;
//  - contract/ is shared by both processes: it imports valibot and its own files, nothing
//    else (no Node, no electron, nothing from electron/ or renderer/); tsconfig.contract.json
//    checks the same from the other side (no DOM or Node types);
//  - the renderer imports the contract (contract/), at run time too, and nothing else from
//    outside renderer/ (no electron/, no tests/, no local environment).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ELECTRON_ALLOWED = ['electron/main.ts', 'electron/preload.ts', 'electron/platform/electron-platform.ts'];

// The folders beside renderer/ that it must not reach into: every top-level folder but
// renderer/ itself and contract/, read from disk so a folder added later is covered too.
const OUTSIDE_RENDERER = readdirSync(import.meta.dirname, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !['renderer', 'contract', 'node_modules'].includes(entry.name))
  .map((entry) => entry.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'bench-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'always'],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/no-v-html': 'error',
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ELECTRON_ALLOWED,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only electron/main.ts, electron/preload.ts and electron/platform/electron-platform.ts import electron; take what you need through the Platform interface.',
            },
          ],
        },
      ],
    },
  },
  {
    // contract/ is flat, so any '../' leaves it.
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The contract runs in both processes: it never imports electron.' }],
          patterns: [
            { group: ['node:*'], message: 'The contract runs in both processes: no Node.' },
            { regex: '^\\.\\./', message: 'The contract imports nothing from outside contract/ (electron/, renderer/ and the rest depend on it, not the other way).' },
            { regex: '^(?!valibot$|\\./|\\.\\./|node:|electron$)', message: 'The contract may import only valibot and its own files.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.vue'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer never imports electron; use the client in renderer/api/client.ts.' }],
          patterns: [
            {
              regex: `^(\\.\\./)+(${OUTSIDE_RENDERER.join('|')})(/|$)`,
              message: 'The renderer imports nothing from outside renderer/ but the contract (contract/), which is what both processes share.',
            },
            { group: ['node:*'], message: 'The renderer has no Node.' },
          ],
        },
      ],
    },
  },
  {
    files: ['tests/**/*.ts', 'build/**/*.{js,mjs,cjs}', '*.config.{js,ts}', 'tests/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['build/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
