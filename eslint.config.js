// Lint, with the process layering as rules (after VS Code's layers):
//  - only electron/main.ts, electron/preload.ts and electron/platform/electron-platform.ts
//    may import 'electron'; everything else in electron/ is plain Node;
//  - the renderer imports nothing from electron/ but the contract, and that type-only;
//  - the product (electron/, renderer/) never imports the local environment (local-env/),
//    except the browser host's development CLI, which starts it.
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ELECTRON_ALLOWED = ['electron/main.ts', 'electron/preload.ts', 'electron/platform/electron-platform.ts'];
const LOCAL_ENV_ALLOWED = ['electron/host/cli.ts'];
const LOCAL_ENV_PATTERN = {
  regex: '(^|/)local-env(/|$)|^@ers-triage/local-env',
  message: 'The product never imports the local environment (development tooling in local-env/); the composition root receives it through AppDeps.local.',
};

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
    ignores: [...ELECTRON_ALLOWED, ...LOCAL_ENV_ALLOWED],
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
          patterns: [LOCAL_ENV_PATTERN],
        },
      ],
    },
  },
  {
    // main.ts may import electron, but never the local environment (it loads dist/dev by path, unpackaged only).
    files: ELECTRON_ALLOWED,
    rules: { 'no-restricted-imports': ['error', { patterns: [LOCAL_ENV_PATTERN] }] },
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
              regex: '^(\\.\\./)+electron/(?!api$)',
              message: 'The renderer may import only the contract (electron/api), and only its types.',
            },
            {
              regex: '^(\\.\\./)+electron/api$',
              allowTypeImports: true,
              message: 'Import the contract type-only: `import type { … } from \'../electron/api\'`.',
            },
            { group: ['node:*'], message: 'The renderer has no Node.' },
            LOCAL_ENV_PATTERN,
          ],
        },
      ],
    },
  },
  {
    // renderer/ui/ is the shared, domain-free kit of form and dialog parts: any feature may
    // use it, and it imports no feature folder (worklist, review, viewer, session, shell),
    // nothing of the app (the client, the router, App.vue) and nothing of the contract.
    // Flat config replaces a rule's options rather than merging them, so the renderer's own
    // restrictions (no electron, no Node) are repeated here.
    files: ['renderer/ui/**/*.ts', 'renderer/ui/**/*.vue'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer never imports electron; use the client in renderer/api/client.ts.' }],
          patterns: [
            {
              regex: '^(\\.\\./)+(worklist|review|viewer|session|shell)(/|$)',
              message: 'renderer/ui/ is shared and domain-free: it imports no feature folder. Move what it needs into ui/, or let the feature pass it in.',
            },
            {
              regex: '^(\\.\\./)+(api|router|App\\.vue)(/|$)',
              message: 'renderer/ui/ knows nothing of the app: no client, router or root component.',
            },
            {
              regex: '^(\\.\\./)+(electron|contract)(/|$)',
              message: 'renderer/ui/ is domain-free: it does not import the contract, not even its types.',
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
