// Jest project for the Lightning Web Components, on sfdx-lwc-jest's preset.
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
  ...jestConfig,
  displayName: 'lwc',
  rootDir: '.',
  roots: ['<rootDir>/force-app'],
  testMatch: ['**/lwc/**/__tests__/**/*.test.js'],
  moduleNameMapper: {
    ...jestConfig.moduleNameMapper,
    '^lightning/actions$': '<rootDir>/force-app/test/jest-mocks/lightning/actions',
  },
  setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv ?? []), '<rootDir>/force-app/test/jest-setup/sa11y.js'],
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver', '<rootDir>/node_modules'],
};
