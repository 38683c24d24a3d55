// ESLint: typescript-eslint for the middleware, sandboxes, scripts and tests; Salesforce's LWC rules for components;
// the middleware's layers (docs/architecture.md) as import rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importPlugin from 'eslint-plugin-import';
import lwcConfig from '@salesforce/eslint-config-lwc/recommended.js';

const src = 'middleware/src';
const dirs = (...names) => names.map((name) => `${src}/${name}`);
/** Every module of the middleware but the process entry (`main.ts`), which assembles the process. */
const allButTheEntry = [
  ...dirs('cli', 'config', 'domain', 'notify', 'observability', 'sage300', 'salesforce', 'services', 'store', 'sync'),
  ...dirs('composition.ts', 'embedded.ts'),
];

/**
 * The layers of docs/architecture.md. Paths are relative to the directory ESLint runs in (the repository root), so a
 * test can run the same rules over a planted tree.
 */
const layerZones = [
  {
    target: `${src}/domain`,
    from: src,
    except: ['./domain'],
    message: 'domain/ holds pure rules and imports nothing else of ours.',
  },
  {
    target: `${src}/config`,
    from: src,
    except: ['./config', './domain'],
    message: 'config/ reads the environment and files; it imports only domain/.',
  },
  {
    target: dirs('sage300', 'salesforce', 'store'),
    from: [...dirs('sync', 'http', 'services', 'cli', 'composition.ts', 'main.ts', 'embedded.ts')],
    message: 'The clients and the store know their own system only, never the layers that use them.',
  },
  {
    target: `${src}/services`,
    from: dirs('sync', 'http', 'cli', 'composition.ts', 'main.ts', 'embedded.ts'),
    message: 'services/ is shared by the API and the sync; it imports neither.',
  },
  {
    target: `${src}/notify`,
    from: dirs('sync', 'http', 'services', 'cli', 'composition.ts', 'main.ts', 'embedded.ts'),
    message: 'notify/ announces on its channels; it knows the store and domain/, never the layers that use it.',
  },
  { target: `${src}/sync`, from: `${src}/http`, message: 'sync/ and http/ do not import each other.' },
  { target: `${src}/http`, from: `${src}/sync`, message: 'sync/ and http/ do not import each other.' },
  {
    target: allButTheEntry,
    from: `${src}/http`,
    message: 'Nothing imports http/ but main.ts, which assembles the process.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.tools/**',
      'coverage/**',
      'dist/**',
      'data/**',
      '.sfdx/**',
      '.sf/**',
      'test/fixtures/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.strict, ...tseslint.configs.stylistic],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: [`${src}/**/*.ts`],
    plugins: { import: importPlugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { typescript: { alwaysTryTypes: false } },
    },
    rules: {
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': ['error', { zones: layerZones }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'scripts/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['force-app/**/lwc/**/*.js'],
    extends: [lwcConfig],
  },
  {
    // The preview's page shell and platform stand-ins are Lightning Web Components too, running in the browser.
    files: ['preview/app/**/*.js'],
    extends: [lwcConfig],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['force-app/**/lwc/**/__tests__/**/*.js', 'force-app/test/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' },
  },
);
