/**
 * The DB processor against a real PostgreSQL (integration): engine events from a
 * seeded random order stream, written through `processEventsBatch`.
 */

import { packMessages } from '@exchange/engine-service/runtime';
import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import type { TradeEvent } from '@exchange/protocol';
import type { Context } from 'aws-lambda';
import pg from 'pg';
import { migrateFunctionsDatabase } from '../../src/db/migrate.js';
import { processEventsBatch } from '../../src/db-processor/events-batch.js';
import { type EngineStream, engineBalances, engineStream, recordsOf } from './engine-stream.js';
import { capturingLogger, dumpTables, processAll, truncateTables } from './tables.js';

let db: ScratchDatabase;
let stream: EngineStream;

beforeAll(async () => {
  db = await createScratchDatabase({ prefix: 'functions_test', migrate: migrateFunctionsDatabase });
  // Small messages so that some commands are split into parts, as a big CANCEL_ALL would be.
  stream = engineStream({ seed: 11, commands: 1_500, maxMessageBytes: 3_000 });
});
afterAll(() => db.drop());
beforeEach(() => truncateTables(db.pool));

describe('processEventsBatch (integration, PostgreSQL)', () => {
  it('writes the same tables when the whole stream is delivered twice, in other batches', async () => {
    // Prepare
    const records = recordsOf(stream.messages);
    expect(stream.messages.some((m) => m.deduplicationId.includes('-'))).toBe(true);
    expect(stream.trades.length).toBeGreaterThan(200);

    // Act
    await processAll(db.pool, records, 10);
    const once = await dumpTables(db.pool);
    await processAll(db.pool, records, 7);
    await processAll(db.pool, records.slice(100, 400), 3);
    const twice = await dumpTables(db.pool);

    // Assess
    expect(JSON.parse(once.trades)).toHaveLength(stream.trades.length);
    expect(twice).toEqual(once);
  });

  it('writes the same tables from messages packed over many batches, and from a repacked redelivery', async () => {
    // Prepare: the engine packs the batches a publication carries; a republication after
    // a crash packs its own range, so a sequence may come again under another id
    const unpacked = recordsOf(stream.messages);
    const packed = packMessages(stream.messages, 30_000);
    const repacked = packMessages(stream.messages.slice(40, 160), 30_000);
    const parts = stream.messages.filter((m) => m.part !== undefined).length;
    expect(packed.length - parts).toBeLessThan((stream.messages.length - parts) / 2);
    await processAll(db.pool, unpacked, 10);
    const expected = await dumpTables(db.pool);
    await truncateTables(db.pool);

    // Act
    await processAll(db.pool, recordsOf(packed), 10);
    const fromPacked = await dumpTables(db.pool);
    await processAll(db.pool, recordsOf(repacked, 1, packed.length), 4);
    const withRedelivery = await dumpTables(db.pool);

    // Assess
    expect(fromPacked).toEqual(expected);
    expect(withRedelivery).toEqual(expected);
  });

  it('rebuilds every balance from the ledger exactly as the engine holds it', async () => {
    // Prepare
    await processAll(db.pool, recordsOf(stream.messages));
    const expected = engineBalances(stream);

    // Act
    const ledger = await db.pool.query<{ key: string; available: string; locked: string }>(
      `SELECT account_id || '/' || asset AS key, sum(available_delta)::text AS available, sum(locked_delta)::text AS locked
       FROM balance_changes GROUP BY 1`,
    );
    const current = await db.pool.query<{ key: string; available: string; locked: string }>(
      `SELECT account_id || '/' || asset AS key, available::text, locked::text FROM balances`,
    );

    // Assess
    const asMap = (rows: { key: string; available: string; locked: string }[]) =>
      new Map(
        rows
          .filter((r) => !(/^0(\.0+)?$/.test(r.available) && /^0(\.0+)?$/.test(r.locked)))
          .map((r) => [r.key, { available: r.available, locked: r.locked }]),
      );
    expect(expected.size).toBeGreaterThan(40);
    expect(asMap(ledger.rows)).toEqual(expected);
    expect(asMap(current.rows)).toEqual(expected);
  });

  it('keeps the newest balance and order state when groups arrive out of order', async () => {
    // Prepare: every record reversed, so each balance and order sees its newest event first.
    const records = recordsOf(stream.messages).reverse();

    // Act
    await processAll(db.pool, records);

    // Assess
    const balances = await db.pool.query<{ key: string; available: string; locked: string }>(
      `SELECT account_id || '/' || asset AS key, available::text, locked::text FROM balances
       WHERE available <> 0 OR locked <> 0`,
    );
    expect(new Map(balances.rows.map((r) => [r.key, { available: r.available, locked: r.locked }]))).toEqual(
      engineBalances(stream),
    );
    const open = await db.pool.query<{ order_id: string }>(
      `SELECT order_id FROM orders WHERE status IN ('NEW', 'PARTIALLY_FILLED') ORDER BY order_id`,
    );
    const engineOpen = stream.accounts
      .flatMap((a) => stream.engine.openOrders(a).map((o) => o.orderId))
      .sort((a, b) => a - b);
    expect(open.rows.map((r) => Number(r.order_id))).toEqual(engineOpen);
  });

  it('stores trades exactly: prices, amounts, fees and millisecond times', async () => {
    // Prepare
    await processAll(db.pool, recordsOf(stream.messages));

    // Act
    const { rows } = await db.pool.query<{ event: TradeEvent }>(
      `SELECT json_build_object('type', 'TRADE', 'seq', seq, 'time', (extract(epoch FROM time) * 1000)::bigint,
          'market', market, 'tradeId', trade_id, 'price', price::text, 'quantity', quantity::text,
          'quoteQuantity', quote_quantity::text, 'buyOrderId', buy_order_id, 'sellOrderId', sell_order_id,
          'buyerAccountId', buyer_account_id, 'sellerAccountId', seller_account_id,
          'takerSide', CASE WHEN is_buyer_maker THEN 'SELL' ELSE 'BUY' END,
          'buyerFee', buyer_fee::text, 'sellerFee', seller_fee::text) AS event
       FROM trades ORDER BY seq, market, trade_id`,
    );

    // Assess
    const sorted = [...stream.trades].sort(
      (a, b) => a.seq - b.seq || a.market.localeCompare(b.market) || a.tradeId - b.tradeId,
    );
    expect(rows.map((r) => r.event)).toEqual(sorted);
  });

  it('writes the records before a bad one and reports it and every later record', async () => {
    // Prepare
    const records = recordsOf(stream.messages.slice(0, 10));
    const bad = records[4];
    if (bad === undefined) throw new Error('too few messages');
    bad.body = '[{"type":"NOT_AN_EVENT","seq":1}]';
    const { logger, lines } = capturingLogger();

    // Act
    const outcome = await processEventsBatch({ Records: records }, { db: db.pool, logger });

    // Assess
    expect(outcome.response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      records.slice(4).map((r) => r.messageId),
    );
    expect(outcome.written).toEqual(records.slice(0, 4).map((r) => r.messageId));
    const seqs = await db.pool.query<{ max: string | null }>('SELECT max(seq) FROM balance_changes');
    const lastGoodSeq = Math.max(
      ...stream.messages.slice(0, 4).map((m) => Number(m.deduplicationId.split(/[-.]/)[1])),
    );
    expect(Number(seqs.rows[0]?.max)).toBe(lastGoodSeq);
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, messageId: bad.messageId }));
  });

  it.each([
    ['not JSON', 'not json'],
    ['an object, not a list', '{"type":"TRADE"}'],
    [
      'a known type with a bad field',
      '[{"type":"BALANCE","seq":1,"time":0,"accountId":"a","asset":"USDC","available":"x"}]',
    ],
  ])('refuses a record that is %s', async (_, body) => {
    const [record] = recordsOf(stream.messages.slice(0, 1));
    if (record === undefined) throw new Error('no message');
    record.body = body;
    const { logger } = capturingLogger();

    const outcome = await processEventsBatch({ Records: [record] }, { db: db.pool, logger });

    expect(outcome.response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
  });

  it('waits within the invocation for a database that is unreachable for a moment', async () => {
    // Prepare: the first two writes reach no server (a real connection refusal), then the database is back.
    const nowhere = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    let attempts = 0;
    const flaky = {
      query: (config: pg.QueryConfig) => {
        attempts += 1;
        return (attempts <= 2 ? nowhere : db.pool).query(config);
      },
    } as unknown as pg.Pool;
    const records = recordsOf(stream.messages.slice(0, 5));
    const { logger, lines } = capturingLogger();

    // Act
    const outcome = await processEventsBatch({ Records: records }, { db: flaky, logger });
    await nowhere.end();

    // Assess
    expect(attempts).toBe(3);
    expect(outcome.response.batchItemFailures).toEqual([]);
    expect(outcome.written).toHaveLength(5);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(2);
  });

  it('gives a batch back when the database stays unreachable past the invocation’s time', async () => {
    const nowhere = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', max: 1 });
    const records = recordsOf(stream.messages.slice(0, 3));
    const { logger } = capturingLogger();
    const context = { getRemainingTimeInMillis: () => 1_500 } as Context;

    const outcome = await processEventsBatch({ Records: records }, { db: nowhere, logger }, context);
    await nowhere.end();

    expect(outcome.response.batchItemFailures).toHaveLength(3);
  });

  it('reports the whole batch when the database refuses the write', async () => {
    // Prepare: a real database without the schema.
    const empty = await createScratchDatabase({ prefix: 'functions_test' });
    const records = recordsOf(stream.messages.slice(0, 5));
    const { logger, lines } = capturingLogger();

    // Act
    try {
      const outcome = await processEventsBatch({ Records: records }, { db: empty.pool, logger });

      // Assess
      expect(outcome.response.batchItemFailures).toHaveLength(5);
      expect(outcome.written).toEqual([]);
      expect(lines).toContainEqual(expect.objectContaining({ level: 50 }));
    } finally {
      await empty.drop();
    }
  });
});
