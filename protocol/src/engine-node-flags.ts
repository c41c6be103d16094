/**
 * The Node flags the engine service runs with, everywhere it runs: `npm start`, the
 * tests and benchmarks that start it as a process, and the ECS task (the CDK app's
 * container command). `engine-service/Dockerfile` and the `start` script of
 * `engine-service/package.json` cannot import them; a test holds both to this list.
 *
 * - `--no-allocation-site-pretenuring`: without it V8 now and then tenures the
 *   matching loop's short-lived objects, and a process runs several times slower,
 *   all in GC (see `engine-service/src/core/README.md`).
 * - `--max-semi-space-size=64` (MiB): a young generation large enough for the
 *   short-lived objects of a batch, so fewer scavenges run per batch.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = [
  '--no-allocation-site-pretenuring',
  '--max-semi-space-size=64',
];
