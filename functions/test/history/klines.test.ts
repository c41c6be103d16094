/**
 * Candles against a slow computation from the raw trades (integration, PostgreSQL):
 * every interval, every market, of a seeded engine stream written by the processor.
 */
import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import {
  formatUnits,
  KLINE_INTERVAL_MS,
  KLINE_INTERVALS,
  type Kline,
  type KlineInterval,
  klineOpenTime,
  type MarketRegistry,
  parseUnits,
  type TradeEvent,
} from '@exchange/protocol';
import { migrateFunctionsDatabase } from '../../src/db/migrate.js';
import { klines, toBinanceKline, toNativeKline } from '../../src/history/klines.js';
import { type EngineStream, engineStream, recordsOf } from '../db-processor/engine-stream.js';
import { processAll } from '../db-processor/tables.js';

/** Candles computed the slow way: group the trades, sort, add up in BigInt. */
function slowKlines(
  trades: readonly TradeEvent[],
  interval: KlineInterval,
  registry: MarketRegistry,
): Kline[] {
  const buckets = new Map<number, TradeEvent[]>();
  for (const t of trades) {
    const open = klineOpenTime(interval, t.time);
    buckets.set(open, [...(buckets.get(open) ?? []), t]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([openTime, group]) => {
      const sorted = [...group].sort((a, b) => a.tradeId - b.tradeId);
      const first = sorted[0] as TradeEvent;
      const last = sorted.at(-1) as TradeEvent;
      const m = registry.market(first.market);
      if (m === undefined) throw new Error('unknown market');
      const units = (value: string, decimals: number): bigint => BigInt(parseUnits(value, decimals));
      const sum = (
        pick: (t: TradeEvent) => string,
        decimals: number,
        only = (_: TradeEvent) => true,
      ): string =>
        formatUnits(
          sorted.filter(only).reduce((acc, t) => acc + units(pick(t), decimals), 0n),
          decimals,
        );
      const prices = sorted.map((t) => units(t.price, m.tick.decimals));
      // BigInt: Math.max and Math.min take numbers only.
      const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
      const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
      const takerBuy = (t: TradeEvent): boolean => t.takerSide === 'BUY';
      return {
        openTime,
        closeTime: openTime + KLINE_INTERVAL_MS[interval] - 1,
        open: first.price,
        high: formatUnits(prices.reduce(max), m.tick.decimals),
        low: formatUnits(prices.reduce(min), m.tick.decimals),
        close: last.price,
        volume: sum((t) => t.quantity, m.step.decimals),
        quoteVolume: sum((t) => t.quoteQuantity, m.quote.decimals),
        takerBuyVolume: sum((t) => t.quantity, m.step.decimals, takerBuy),
        takerBuyQuoteVolume: sum((t) => t.quoteQuantity, m.quote.decimals, takerBuy),
        trades: sorted.length,
        firstTradeId: first.tradeId,
        lastTradeId: last.tradeId,
      };
    });
}

/** Every candle of a market and interval, paging from the start. */
async function allKlines(db: ScratchDatabase, market: string, interval: KlineInterval): Promise<Kline[]> {
  const all: Kline[] = [];
  for (let startTime = 0; ; ) {
    const page = await klines(market, interval, { startTime, limit: 1_000 }, db.pool);
    all.push(...page);
    const last = page.at(-1);
    if (page.length < 1_000 || last === undefined) return all;
    startTime = last.openTime + 1;
  }
}

let db: ScratchDatabase;
let stream: EngineStream;
const MARKETS = ['SOL_USDC', 'BTC_USDC', 'ETH_USDC'];

beforeAll(async () => {
  db = await createScratchDatabase({ prefix: 'functions_test', migrate: migrateFunctionsDatabase });
  // About eight days from a Friday evening: days and a week turn; 0–10 min between commands.
  stream = engineStream({ seed: 3, commands: 2_500, maxGapMs: 600_000 });
});
afterAll(() => db.drop());

describe('klines (integration, PostgreSQL)', () => {
  it('keeps the kline_intervals table equal to KLINE_INTERVALS', async () => {
    const { rows } = await db.pool.query<{ name: string; ms: string }>(
      `SELECT name, (extract(epoch FROM width) * 1000)::bigint AS ms FROM kline_intervals ORDER BY width`,
    );
    expect(rows.map((r) => [r.name, Number(r.ms)])).toEqual(
      KLINE_INTERVALS.map((i) => [i, KLINE_INTERVAL_MS[i]]),
    );
  });

  it('has the newest candle current as soon as the batch with its trade is written', async () => {
    // Prepare: everything up to the last message with a trade in it.
    const records = recordsOf(stream.messages);
    const lastTrade = records.findLastIndex((r) => r.body.includes('"type":"TRADE"'));
    const market = (JSON.parse(records[lastTrade]?.body ?? '[]') as TradeEvent[]).find(
      (e) => e.type === 'TRADE',
    )?.market as string;
    await processAll(db.pool, records.slice(0, lastTrade));
    const before = await klines(market, '1m', { limit: 1 }, db.pool);

    // Act
    await processAll(db.pool, records.slice(lastTrade));
    const after = await klines(market, '1m', { limit: 1 }, db.pool);

    // Assess
    const mine = stream.trades.filter((t) => t.market === market);
    expect(after).toEqual(slowKlines(mine, '1m', stream.registry).slice(-1));
    expect(after).not.toEqual(before);
  });

  it.each(KLINE_INTERVALS)(
    'equals the slow computation from raw trades for every market at %s',
    async (interval) => {
      for (const market of MARKETS) {
        const trades = stream.trades.filter((t) => t.market === market);
        expect(trades.length).toBeGreaterThan(50);
        expect(await allKlines(db, market, interval)).toEqual(slowKlines(trades, interval, stream.registry));
      }
    },
  );

  it('answers time ranges and the newest candles as Binance does', async () => {
    const expected = slowKlines(
      stream.trades.filter((t) => t.market === 'SOL_USDC'),
      '15m',
      stream.registry,
    );
    const middle = expected[Math.floor(expected.length / 2)] as Kline;

    const range = await klines(
      'SOL_USDC',
      '15m',
      { startTime: middle.openTime - 1, endTime: middle.openTime + 3_600_000 },
      db.pool,
    );
    const newest = await klines('SOL_USDC', '15m', { limit: 5 }, db.pool);
    const upTo = await klines('SOL_USDC', '15m', { endTime: middle.openTime, limit: 3 }, db.pool);

    expect(range).toEqual(
      expected.filter((k) => k.openTime >= middle.openTime - 1 && k.openTime <= middle.openTime + 3_600_000),
    );
    expect(newest).toEqual(expected.slice(-5));
    expect(upTo).toEqual(expected.filter((k) => k.openTime <= middle.openTime).slice(-3));
  });
});

describe('kline shapes (unit)', () => {
  const k: Kline = {
    openTime: Date.UTC(2024, 0, 1),
    closeTime: Date.UTC(2024, 0, 1) + 59_999,
    open: '100.00',
    high: '101.50',
    low: '99.90',
    close: '101.00',
    volume: '3.000',
    quoteVolume: '301.500000',
    takerBuyVolume: '1.000',
    takerBuyQuoteVolume: '101.500000',
    trades: 3,
    firstTradeId: 7,
    lastTradeId: 9,
  };

  it("gives Binance's twelve-field array", () => {
    expect(toBinanceKline(k)).toEqual([
      k.openTime,
      '100.00',
      '101.50',
      '99.90',
      '101.00',
      '3.000',
      k.closeTime,
      '301.500000',
      3,
      '1.000',
      '101.500000',
      '0',
    ]);
  });

  it("gives the native face's KLine, every field a string", () => {
    expect(toNativeKline(k)).toEqual({
      start: '2024-01-01T00:00:00.000Z',
      end: '2024-01-01T00:01:00.000Z',
      open: '100.00',
      high: '101.50',
      low: '99.90',
      close: '101.00',
      volume: '3.000',
      quoteVolume: '301.500000',
      trades: '3',
    });
  });

  it('starts weeks on Monday and days at UTC midnight', () => {
    expect(klineOpenTime('1w', Date.UTC(2024, 0, 7, 23, 59))).toBe(Date.UTC(2024, 0, 1));
    expect(klineOpenTime('1w', Date.UTC(2024, 0, 8))).toBe(Date.UTC(2024, 0, 8));
    expect(klineOpenTime('1d', Date.UTC(2024, 0, 8, 13))).toBe(Date.UTC(2024, 0, 8));
    expect(klineOpenTime('4h', Date.UTC(2024, 0, 8, 13, 5))).toBe(Date.UTC(2024, 0, 8, 12));
  });
});
