/**
 * One Jest run over every workspace. Sources are TypeScript compiled by SWC;
 * `.js` suffixes in relative imports (NodeNext style) map back to the `.ts` file.
 * @type {import('jest').Config}
 */
const config = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/protocol',
    '<rootDir>/sqs-client',
    '<rootDir>/engine-service',
    '<rootDir>/functions',
    '<rootDir>/localstack',
    '<rootDir>/infra',
    '<rootDir>/market-maker',
    '<rootDir>/bench',
    '<rootDir>/frontend',
    '<rootDir>/smoke',
    '<rootDir>/scripts',
  ],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  // ESM-only dependencies that Jest's CommonJS runtime must have compiled.
  transformIgnorePatterns: ['/node_modules/(?!(node-pg-migrate|@middy|@noble|@scure)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60_000,
  // Some suites share module-level clients (a Lambda instance's Redis or pool) across
  // handlers; one left open must not keep CI waiting after the run has reported.
  forceExit: true,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
export default config;
