// Lint, with the process layering as rules (after VS Code's layers):
//  - only electron/main.ts, electron/preload.ts and electron/platform/electron-platform.ts
//    may import 'electron'; everything else in electron/ is plain Node;
//  - contract/ is shared by both processes: it imports valibot and its own files, nothing
//    else (no Node, no electron, nothing from electron/ or renderer/); tsconfig.contract.json
//    checks the same from the other side (no DOM or Node types);
//  - the renderer imports the contract (contract/), at run time too, and nothing else from
//    outside renderer/ (no electron/, no tests/, no local environment);
//  - the product (electron/, renderer/) never imports the local environment (local-env/),
//    except the browser host's development CLI, which starts it;
//  - every outbound HTTP call goes through Platform.fetch: no global fetch, no undici and no
//    http(s).request/get in electron/ but the two network adapters (Electron's net in
//    electron-platform.ts, Node's client in node-fetch.ts). Listening (http.createServer,
//    the loopback redirect and the browser host) is not calling out and stays allowed.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import prettierConfig from 'eslint-config-prettier/flat';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const ELECTRON_ALLOWED = ['electron/main.ts', 'electron/preload.ts', 'electron/platform/electron-platform.ts'];
const LOCAL_ENV_ALLOWED = ['electron/host/cli.ts'];
const NETWORK_ADAPTERS = ['electron/platform/electron-platform.ts', 'electron/platform/node-fetch.ts'];
const NETWORK_MESSAGE =
  "Outbound HTTP goes through Platform.fetch (the trust's proxy and certificates); only electron/platform/electron-platform.ts and node-fetch.ts call the network.";
const ELECTRON_IMPORT = {
  name: 'electron',
  message:
    'Only electron/main.ts, electron/preload.ts and electron/platform/electron-platform.ts import electron; take what you need through the Platform interface.',
};
const NETWORK_IMPORTS = [
  { name: 'undici', message: NETWORK_MESSAGE },
  ...['http', 'https', 'node:http', 'node:https'].map((name) => ({ name, importNames: ['request', 'get'], message: NETWORK_MESSAGE })),
];
const NETWORK_RULES = {
  'no-restricted-globals': ['error', { name: 'fetch', message: NETWORK_MESSAGE }],
  'no-restricted-properties': [
    'error',
    { object: 'globalThis', property: 'fetch', message: NETWORK_MESSAGE },
    ...['http', 'https'].flatMap((object) => ['request', 'get'].map((property) => ({ object, property, message: NETWORK_MESSAGE }))),
  ],
};
const LOCAL_ENV_PATTERN = {
  regex: '(^|/)local-env(/|$)|^@ers-triage/local-env',
  message:
    'The product never imports the local environment (development tooling in local-env/); the composition root receives it through AppDeps.local.',
};

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
    ignores: [...ELECTRON_ALLOWED, ...LOCAL_ENV_ALLOWED, ...NETWORK_ADAPTERS],
    rules: { 'no-restricted-imports': ['error', { paths: [ELECTRON_IMPORT, ...NETWORK_IMPORTS], patterns: [LOCAL_ENV_PATTERN] }] },
  },
  {
    // main.ts and preload.ts may import electron, but never the local environment (main loads
    // dist/dev by path, unpackaged only) and never call the network themselves.
    files: ['electron/main.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: NETWORK_IMPORTS, patterns: [LOCAL_ENV_PATTERN] }] },
  },
  {
    files: ['electron/platform/electron-platform.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [LOCAL_ENV_PATTERN] }] },
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
            {
              regex: '^\\.\\./',
              message:
                'The contract imports nothing from outside contract/ (electron/, renderer/ and the rest depend on it, not the other way).',
            },
            { regex: '^(?!valibot$|\\./|\\.\\./|node:|electron$)', message: 'The contract may import only valibot and its own files.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/platform/node-fetch.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [ELECTRON_IMPORT], patterns: [LOCAL_ENV_PATTERN] }] },
  },
  {
    // The browser host's development CLI starts the local environment, but calls out like the rest.
    files: LOCAL_ENV_ALLOWED,
    rules: { 'no-restricted-imports': ['error', { paths: [ELECTRON_IMPORT, ...NETWORK_IMPORTS] }] },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: NETWORK_ADAPTERS,
    rules: NETWORK_RULES,
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
              message:
                'The renderer imports nothing from outside renderer/ but the contract (contract/), which is what both processes share.',
            },
            { group: ['node:*'], message: 'The renderer has no Node.' },
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
              message:
                'renderer/ui/ is shared and domain-free: it imports no feature folder. Move what it needs into ui/, or let the feature pass it in.',
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
  // Prettier formats; ESLint checks meaning. Its layout rules are off so the two never disagree.
  prettierConfig,
);
