// Jest project for the end-to-end tests in a real browser (test/browser): Chromium driven by playwright-core against
// the middleware in embedded mode with its /preview. Run one file at a time: each drives one browser and one build.
import typescript from './jest.config.ts.mjs';

export default {
  ...typescript,
  displayName: 'browser',
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 90_000,
};
