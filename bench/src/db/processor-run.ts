/**
 * Trades persisted per second by the DB processor: the workload's records through
 * `processEventsBatch` into a migrated database, in batches of ten.
 *
 * Two ways to run them: `serial`, one batch at a time as the local poller does; and
 * `per-group`, as Lambda runs a FIFO queue — one lane per message group (each market;
 * the account groups together), batches in order within a lane, lanes concurrently.
 */
import { processEventsBatch } from '@exchange/functions/db-processor/events-batch';
import type { SQSRecord } from 'aws-lambda';
import type pg from 'pg';
import pino from 'pino';
import { percentile } from '../engine/stats.js';
import { processorWorkload } from './workload.js';

export type Lanes = 'serial' | 'per-group';

export interface ProcessorBenchResult {
  readonly lanes: Lanes;
  readonly laneCount: number;
  readonly trades: number;
  readonly events: number;
  readonly commands: number;
  readonly messages: number;
  readonly batches: number;
  readonly seconds: number;
  readonly tradesPerS: number;
  readonly eventsPerS: number;
  readonly batchMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Trades per second of the engine core producing these records at full speed. */
  readonly engineTradesPerS: number;
  readonly engineSeconds: number;
}

export async function runProcessorBench(
  pool: pg.Pool,
  trades: number,
  lanes: Lanes,
  log: (line: string) => void,
): Promise<ProcessorBenchResult> {
  log(`processor: generating engine events for ${trades.toLocaleString('en-US')} trades…`);
  const workload = processorWorkload(trades);
  const logger = pino({ level: 'silent' });
  const options = { db: pool, logger };
  // Warm-up: the prepared statement, the JIT; then clear so the timed run starts empty.
  for (const batch of workload.batches.slice(0, 50)) await processEventsBatch({ Records: batch }, options);
  await pool.query('TRUNCATE trades, orders, balances, balance_changes, withdrawals, klines');
  const laneRecords = new Map<string, SQSRecord[]>();
  for (const record of workload.batches.flat()) {
    const group = record.attributes.MessageGroupId ?? '';
    const lane = lanes === 'serial' ? 'all' : group.startsWith('market:') ? group : 'accounts';
    laneRecords.set(lane, [...(laneRecords.get(lane) ?? []), record]);
  }
  const laneBatches = [...laneRecords.values()].map((records) => {
    const batches: SQSRecord[][] = [];
    for (let b = 0; b < records.length; b += 10) batches.push(records.slice(b, b + 10));
    return batches;
  });
  const batchCount = laneBatches.reduce((n, b) => n + b.length, 0);
  log(
    `processor (${lanes}): ${batchCount.toLocaleString('en-US')} batches of ≤ 10 records in ${laneBatches.length} lane(s)…`,
  );
  const times: number[] = [];
  const start = performance.now();
  await Promise.all(
    laneBatches.map(async (batches) => {
      for (const batch of batches) {
        const t0 = performance.now();
        const { response } = await processEventsBatch({ Records: batch }, options);
        times.push(performance.now() - t0);
        if (response.batchItemFailures.length > 0) throw new Error('a batch failed');
      }
    }),
  );
  const seconds = (performance.now() - start) / 1_000;
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM trades');
  if (Number(rows[0]?.n) !== workload.trades) {
    throw new Error(`expected ${workload.trades} trades stored, found ${rows[0]?.n}`);
  }
  times.sort((a, b) => a - b);
  return {
    lanes,
    laneCount: laneBatches.length,
    trades: workload.trades,
    events: workload.events,
    commands: workload.commands,
    messages: workload.messages,
    batches: batchCount,
    seconds,
    tradesPerS: workload.trades / seconds,
    eventsPerS: workload.events / seconds,
    batchMs: { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times.at(-1) ?? 0 },
    engineTradesPerS: workload.trades / workload.engineSeconds,
    engineSeconds: workload.engineSeconds,
  };
}
