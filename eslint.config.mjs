// ESLint: typescript-eslint for the middleware, sandboxes, scripts and tests; Salesforce's LWC rules for components.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import lwcConfig from '@salesforce/eslint-config-lwc/recommended.js';

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
    files: ['**/*.mjs', '**/*.cjs', 'scripts/**/*.js'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['force-app/**/lwc/**/*.js'],
    extends: [lwcConfig],
  },
  {
    files: ['force-app/**/lwc/**/__tests__/**/*.js', 'force-app/test/**/*.js'],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { '@lwc/lwc/no-unexpected-wire-adapter-usages': 'off' },
  },
);
