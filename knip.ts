/**
 * Knip: unused files, exports and dependencies, run by `npm test` (`npm run knip`).
 * Knip follows imports from the entry files below; it finds package.json scripts, Jest's
 * tests, Next.js's app and each package's `exports` by itself. Listed here are the entries
 * it cannot see: modules started by path (child processes, the CDK app, Lambda bundles).
 *
 * The Lambda handler modules, which the route tables (`functions/src/http-routes.ts`,
 * `ws-routes.ts`) and infra's stacks name by string, need no entry: each is one of
 * `functions`' package `exports`, beside the modules the local cloud, infra, the benchmarks
 * and the tests of other packages import.
 */
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  // An export its own file uses documents that module's surface (a signature's types, a
  // named limit); dead code is what nothing uses at all.
  ignoreExportsUsedInFile: true,
  // Installed from Debian's packages by `local-services/src/apt.ts`, not from npm.
  ignoreBinaries: ['apt-get'],
  workspaces: {
    '.': { entry: ['scripts/*.{ts,cjs}'] },
    bench: {
      // Benchmark mains are run by path (`npx tsx bench/src/<bench>/main.ts`).
      entry: ['src/**/main.ts', 'src/**/*-main.ts'],
    },
    // The fan-out, started by path by `npm start` and the WebSocket benchmark.
    'engine-service': { entry: ['src/fanout-main.ts'] },
    infra: {
      // The CDK app (`cdk.json`) and the files bundled into every Lambda or the migration one.
      entry: ['bin/app.ts', 'lambda/load-secrets.ts', 'lambda/migrate-functions.ts'],
    },
    localstack: {
      // Child processes of `npm start` and of the tests, started by path.
      entry: ['src/**/*-process.ts', 'test/fixtures/*.ts'],
    },
  },
};

export default config;
