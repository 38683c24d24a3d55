// Jest project for the TypeScript code (middleware, sandboxes, scripts), run as native ES modules.
export default {
  displayName: 'typescript',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The browser tests are their own phase (jest.config.browser.mjs).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
      },
    ],
  },
  testTimeout: 30000,
  // Gives each test realm Node's Symbol.dispose, which undici (under jsforce) needs.
  setupFiles: ['<rootDir>/test/salesforce/realm-symbols.ts'],
};
