/**
 * Every workspace's tests in four tiers, one Jest project each, so that a developer can
 * run the fast ones alone (`npm run test:unit`, `test:integration`, `test:e2e`,
 * `test:property`); `npm test` runs all four in one Jest run. Sources are TypeScript
 * compiled by SWC; `.js` suffixes in relative imports (NodeNext style) map back to the
 * `.ts` file.
 *
 * - unit: no network, no process: the default for a test file listed in no other tier,
 *   and enforced (scripts/jest-unit-environment.cjs fails a unit test that connects,
 *   listens or spawns).
 * - integration: real Redis, PostgreSQL, fauxqs, HTTP and WebSocket servers, Lambda
 *   handlers, each suite on its own key prefix, database and ports.
 * - e2e: the whole exchange started as `npm start` starts it, or a process of it killed.
 * - property: fast-check properties and fuzzing of the matcher and the API edge.
 *
 * Paths are relative to the repository; one ending in `/` is a folder.
 */
const TIERS = {
  e2e: [
    'engine-service/test/e2e/',
    'frontend/test/e2e/',
    'localstack/test/binance-clients.test.ts',
    'localstack/test/chaos/whole-exchange.test.ts',
    'localstack/test/exchange/ctrl-c.test.ts',
    'localstack/test/exchange/exchange.test.ts',
    'localstack/test/exchange/fanout-shards.test.ts',
    'localstack/test/exchange/supervision.test.ts',
    'smoke/test/smoke.test.ts',
  ],
  property: [
    'engine-service/test/property/',
    'localstack/test/functions/security/rest-fuzz.test.ts',
    'localstack/test/functions/security/ws-fuzz.test.ts',
  ],
  integration: [
    // A child process echoing over loopback TCP.
    'bench/test/path/yardstick.test.ts',
    'engine-service/test/fanout/binance-ws-api.test.ts',
    'engine-service/test/fanout/candles-in-progress.test.ts',
    'engine-service/test/fanout/connection-poster.test.ts',
    'engine-service/test/fanout/connection-shard.test.ts',
    'engine-service/test/fanout/redis-loss.test.ts',
    'engine-service/test/fanout/shards.test.ts',
    'engine-service/test/fanout/streams.test.ts',
    'engine-service/test/runtime/engine-service.test.ts',
    'engine-service/test/runtime/fence.test.ts',
    'engine-service/test/runtime/journal.test.ts',
    'engine-service/test/runtime/lease.test.ts',
    'engine-service/test/runtime/publish.test.ts',
    'engine-service/test/runtime/recovery.test.ts',
    'engine-service/test/runtime/sequencer.test.ts',
    'engine-service/test/runtime/sequencer/failures.test.ts',
    'engine-service/test/runtime/sequencer/outbox.test.ts',
    'functions/test/accounts/account-store.test.ts',
    'functions/test/db-processor/',
    'functions/test/db/',
    'functions/test/engine-client/',
    'functions/test/history/',
    'functions/test/http/admission/',
    'functions/test/security/database-roles.test.ts',
    'functions/test/security/redis-auth.test.ts',
    'functions/test/ws/message-limits.test.ts',
    'functions/test/ws/outage.test.ts',
    'functions/test/ws/routes.test.ts',
    // CDK synth that bundles the Lambdas (esbuild runs as a process) or serves a fake extension.
    'infra/test/app.test.ts',
    'infra/test/pipeline.test.ts',
    'infra/test/secret-env.test.ts',
    'localstack/test/event-source.test.ts',
    'localstack/test/exchange/ui-server.test.ts',
    // The Lambda handlers behind the HTTP and WebSocket emulators and the SQS event source.
    'localstack/test/functions/accounts/',
    'localstack/test/functions/auth/',
    'localstack/test/functions/db-processor/',
    'localstack/test/functions/http/',
    'localstack/test/functions/market-data/',
    'localstack/test/functions/security/authorization-matrix.test.ts',
    'localstack/test/functions/security/withdrawals.test.ts',
    'localstack/test/functions/trading/',
    'localstack/test/http-api.test.ts',
    'localstack/test/local-cloud.test.ts',
    'localstack/test/sqs-long-poll.test.ts',
    'localstack/test/sqs.test.ts',
    'localstack/test/websocket-api.test.ts',
    'local-services/test/',
    'market-maker/test/client.test.ts',
    'sqs-client/test/queue-client.test.ts',
  ],
};

const WORKSPACES = [
  'protocol',
  'sqs-client',
  'local-services',
  'engine-service',
  'functions',
  'localstack',
  'infra',
  'market-maker',
  'bench',
  'frontend',
  'smoke',
  'scripts',
];

const TEST_FILES = '**/test/**/*.test.ts';

/** Options every tier shares. */
const shared = {
  testEnvironment: 'node',
  roots: WORKSPACES.map((workspace) => `<rootDir>/${workspace}`),
  transform: {
    '^.+\\.(ts|js)$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  // ESM-only dependencies that Jest's CommonJS runtime must have compiled.
  transformIgnorePatterns: ['/node_modules/(?!(node-pg-migrate|@middy|@noble|@scure)/)'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};

const asGlob = (path) => (path.endsWith('/') ? `<rootDir>/${path}**/*.test.ts` : `<rootDir>/${path}`);
const asPattern = (path) => `<rootDir>/${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;

const projects = [
  {
    ...shared,
    displayName: 'unit',
    testMatch: [TEST_FILES],
    testPathIgnorePatterns: ['/node_modules/', ...Object.values(TIERS).flat().map(asPattern)],
    testEnvironment: '<rootDir>/scripts/jest-unit-environment.cjs',
  },
  ...Object.entries(TIERS).map(([tier, paths]) => ({
    ...shared,
    displayName: tier,
    testMatch: paths.map(asGlob),
  })),
];

// `TEST_TIER=unit jest [<path>…]` (the `test:<tier>` scripts): one tier. Not Jest's
// `--selectProjects`, which would swallow the paths that follow it as project names.
const tier = process.env.TEST_TIER;
const selected = tier ? projects.filter((project) => project.displayName === tier) : projects;
if (selected.length === 0)
  throw new Error(`TEST_TIER=${tier}: no such tier (unit, ${Object.keys(TIERS).join(', ')})`);

/** @type {import('jest').Config} */
const config = {
  projects: selected,
  testTimeout: 60_000,
  // Some suites share module-level clients (a Lambda instance's Redis or pool) across
  // handlers; one left open must not keep CI waiting after the run has reported.
  forceExit: true,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.cjs'],
};
export default config;
