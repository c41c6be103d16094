/**
 * Integration: the candles in progress, read from the `klines` rollup on a real
 * PostgreSQL (the functions' migrations; trades inserted as the DB processor does).
 */
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import { loadCandlesInProgress } from '../../src/fanout/candles-in-progress.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0);
let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase({ prefix: 'candles_in_progress_test', migrate: migrateFunctionsDatabase });
});

afterAll(async () => {
  await db.drop();
});

describe('loadCandlesInProgress', () => {
  it('reads every interval’s candle holding `now`, and not older ones', async () => {
    // Prepare: two trades in the minute of T0, one in the minute before
    const insert = `INSERT INTO trades (market, trade_id, time, seq, price, quantity, quote_quantity, buy_order_id,
      sell_order_id, buyer_account_id, seller_account_id, is_buyer_maker, buyer_fee, seller_fee)
      VALUES ($1, $2, to_timestamp($3 / 1000.0), $2, $4, $5, $6, 1, 2, 'a', 'b', $7, '0', '0')`;
    await db.pool.query(insert, ['SOL_USDC', 1, T0 - 30_000, '90.00', '2.000', '180.000000', false]);
    await db.pool.query(insert, ['SOL_USDC', 2, T0 + 1_000, '100.00', '1.000', '100.000000', false]);
    await db.pool.query(insert, ['SOL_USDC', 3, T0 + 2_000, '105.00', '0.500', '52.500000', true]);
    // Act
    const stored = await loadCandlesInProgress(db.url, T0 + 30_000);
    // Assess
    const minute = stored.find((s) => s.market === 'SOL_USDC' && s.interval === '1m');
    const day = stored.find((s) => s.market === 'SOL_USDC' && s.interval === '1d');
    expect(stored.map((s) => s.interval).sort()).toEqual(['15m', '1d', '1h', '1m', '1w', '4h', '5m'].sort());
    expect(minute?.candle).toEqual({
      openTime: T0,
      closeTime: T0 + 59_999,
      open: '100.00',
      high: '105.00',
      low: '100.00',
      close: '105.00',
      volume: '1.500',
      quoteVolume: '152.500000',
      takerBuyVolume: '1.000',
      takerBuyQuoteVolume: '100.000000',
      trades: 2,
      firstTradeId: 2,
      lastTradeId: 3,
    });
    expect(day?.candle).toMatchObject({
      openTime: Date.UTC(2026, 0, 5),
      open: '90.00',
      trades: 3,
      volume: '3.500',
    });
  });
});
