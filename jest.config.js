// Four suites: unit specs beside the code; end-to-end, security and browser tests in test/.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  setupFiles: ['reflect-metadata'],
};

// The projects that use PostgreSQL migrate once into a template that each test file copies.
const withDatabase = {
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/test/architecture/**/*.spec.ts',
      ],
    },
    {
      ...common,
      ...withDatabase,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e/timeout.setup.ts'],
    },
    {
      ...common,
      ...withDatabase,
      displayName: 'security',
      testMatch: ['<rootDir>/test/security/**/*.security.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e/timeout.setup.ts'],
    },
    {
      ...common,
      ...withDatabase,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/browser/timeout.setup.ts'],
    },
  ],
};
