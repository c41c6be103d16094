/**
 * Test helpers over a migrated database: whole-table dumps for equality checks, a
 * pino logger that keeps its lines, and a straight run of records through the processor.
 */
import type { SQSRecord } from 'aws-lambda';
import type pg from 'pg';
import pino from 'pino';
import { processEventsBatch } from '../../src/db-processor/events-batch.js';
import { chunks } from './engine-stream.js';

const TABLES = {
  trades: 'market, trade_id',
  orders: 'order_id',
  balances: 'account_id, asset',
  balance_changes: 'seq, account_id, asset',
  withdrawals: 'withdrawal_id',
  klines: 'market, interval, bucket',
} as const;

/** Every row of every table the processor writes, in key order, as JSON text. */
export async function dumpTables(pool: pg.Pool): Promise<Record<keyof typeof TABLES, string>> {
  const dump = {} as Record<keyof typeof TABLES, string>;
  for (const [table, key] of Object.entries(TABLES) as [keyof typeof TABLES, string][]) {
    const { rows } = await pool.query(
      `SELECT coalesce(json_agg(t ORDER BY ${key}), '[]')::text AS rows FROM ${table} t`,
    );
    dump[table] = rows[0].rows as string;
  }
  return dump;
}

/** Removes every row the processor writes. */
export async function truncateTables(pool: pg.Pool): Promise<void> {
  await pool.query(`TRUNCATE ${Object.keys(TABLES).join(', ')}`);
}

/** A real pino logger whose lines land in `lines`, parsed. */
export function capturingLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** Runs `records` through the processor in batches of `batchSize`; fails on any reported failure. */
export async function processAll(
  pool: pg.Pool,
  records: readonly SQSRecord[],
  batchSize = 10,
): Promise<void> {
  const { logger } = capturingLogger();
  for (const batch of chunks(records, batchSize)) {
    const { response } = await processEventsBatch({ Records: batch }, { db: pool, logger });
    if (response.batchItemFailures.length > 0) {
      throw new Error(`unexpected failures: ${JSON.stringify(response.batchItemFailures)}`);
    }
  }
}
