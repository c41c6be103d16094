/**
 * One timed recovery in a process of its own: `recovery-child.ts <databaseUrl> snapshot|journal`.
 * Prints a `RecoveryTiming` as JSON on its last stdout line.
 */
import { performance } from 'node:perf_hooks';
import { Journal, recover, SnapshotStore } from '@exchange/engine-service/runtime';
import { createMarketRegistry } from '@exchange/protocol';
import pg from 'pg';
import { hashState, type RecoveryTiming } from './recovery.js';

const [url, from] = process.argv.slice(2);
if (url === undefined || (from !== 'snapshot' && from !== 'journal')) {
  throw new Error('usage: recovery-child.ts <databaseUrl> snapshot|journal');
}
const pool = new pg.Pool({ connectionString: url, max: 2 });
const registry = createMarketRegistry();
const started = performance.now();
const recovered = await recover(
  registry,
  new Journal(pool),
  from === 'snapshot' ? new SnapshotStore(pool) : null,
);
const seconds = (performance.now() - started) / 1000;
await pool.end();
const timing: RecoveryTiming = {
  seconds,
  replayed: recovered.replayed,
  skipped: recovered.skipped,
  lastSeq: recovered.lastSeq,
  stateHash: hashState(recovered.engine),
};
console.log(JSON.stringify(timing));
