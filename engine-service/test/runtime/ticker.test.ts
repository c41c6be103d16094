/**
 * Unit tests of the rolling 24 h ticker: window edges, exact sums, formatting.
 * No network.
 */
import { createMarketRegistry, type Market, TICKER_WINDOW_MINUTES } from '@exchange/protocol';
import { formatBookTicker, formatTicker, RollingTicker } from '../../src/runtime/publish/ticker.js';

const MINUTE = 60_000;
const DAY = TICKER_WINDOW_MINUTES * MINUTE;
/** A minute boundary, so offsets below read as minutes and seconds. */
const T0 = 28_000_000 * MINUTE;

let nextTradeId = 1;
function trade(price: number, quantity = 1, quoteQuantity = price * quantity * 10) {
  return { tradeId: nextTradeId++, price, quantity, quoteQuantity };
}

const market = createMarketRegistry().market('SOL_USDC') as Market;

describe('RollingTicker', () => {
  beforeEach(() => {
    nextTradeId = 1;
  });

  it('has no prices and zero volumes before any trade', () => {
    const stats = new RollingTicker().stats(T0);
    expect(stats).toEqual({
      openTime: T0 - DAY + MINUTE,
      closeTime: T0,
      open: null,
      high: null,
      low: null,
      last: null,
      volume: 0n,
      quoteVolume: 0n,
      count: 0,
      firstTradeId: null,
      lastTradeId: null,
    });
  });

  it('sums trades of one minute: open is the first, last the latest, high and low the extremes', () => {
    const ticker = new RollingTicker();
    ticker.addTrade(trade(100, 2), T0 + 1_000);
    ticker.addTrade(trade(105, 1), T0 + 2_000);
    ticker.addTrade(trade(95, 3), T0 + 3_000);
    ticker.addTrade(trade(101, 4), T0 + 4_000);

    const stats = ticker.stats(T0 + 5_000);

    expect(stats).toMatchObject({ open: 100, high: 105, low: 95, last: 101, count: 4 });
    expect(stats.volume).toBe(10n);
    expect(stats.quoteVolume).toBe(BigInt(100 * 2 * 10 + 105 * 10 + 95 * 3 * 10 + 101 * 4 * 10));
    expect([stats.firstTradeId, stats.lastTradeId]).toEqual([1, 4]);
  });

  it('keeps a trade for 1440 whole minutes, counting the minute it happened in', () => {
    const ticker = new RollingTicker();
    ticker.addTrade(trade(100), T0 + 59_999);

    expect(ticker.stats(T0 + DAY - 1).count).toBe(1);
    const after = ticker.stats(T0 + DAY);
    expect(after).toMatchObject({ count: 0, open: null, high: null, low: null, volume: 0n });
    expect(after.last).toBe(100);
  });

  it('drops the oldest minutes first, and high and low follow what is left', () => {
    const ticker = new RollingTicker();
    ticker.addTrade(trade(200), T0);
    ticker.addTrade(trade(50), T0 + 10 * MINUTE);
    ticker.addTrade(trade(120), T0 + 20 * MINUTE);
    ticker.addTrade(trade(80), T0 + 30 * MINUTE);

    expect(ticker.stats(T0 + 30 * MINUTE)).toMatchObject({ open: 200, high: 200, low: 50, count: 4 });
    expect(ticker.stats(T0 + DAY)).toMatchObject({ open: 50, high: 120, low: 50, count: 3, firstTradeId: 2 });
    expect(ticker.stats(T0 + DAY + 10 * MINUTE)).toMatchObject({ open: 120, high: 120, low: 80, count: 2 });
    expect(ticker.stats(T0 + DAY + 30 * MINUTE)).toMatchObject({ open: null, count: 0, last: 80 });
  });

  it('expires old minutes when a trade arrives, without a stats call in between', () => {
    const ticker = new RollingTicker();
    ticker.addTrade(trade(300), T0);
    ticker.addTrade(trade(10), T0 + DAY + 5 * MINUTE);

    expect(ticker.stats(T0 + DAY + 5 * MINUTE)).toMatchObject({ open: 10, high: 10, low: 10, count: 1 });
  });

  it('agrees with a brute-force recomputation over a long random walk', () => {
    const ticker = new RollingTicker();
    const all: { time: number; price: number; quantity: number; quoteQuantity: number }[] = [];
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let time = T0;
    for (let i = 0; i < 5_000; i++) {
      time += random(3) === 0 ? random(90) * MINUTE : random(20_000);
      const t = trade(1 + random(10_000), 1 + random(1_000));
      ticker.addTrade(t, time);
      all.push({ time, ...t });
      if (i % 97 !== 0) continue;
      const now = time + random(3) * MINUTE;
      const firstMinute = Math.floor(now / MINUTE) - TICKER_WINDOW_MINUTES + 1;
      const inWindow = all.filter((x) => Math.floor(x.time / MINUTE) >= firstMinute);
      const stats = ticker.stats(now);
      expect(stats.count).toBe(inWindow.length);
      expect(stats.open).toBe(inWindow[0]?.price ?? null);
      expect(stats.high).toBe(inWindow.length === 0 ? null : Math.max(...inWindow.map((x) => x.price)));
      expect(stats.low).toBe(inWindow.length === 0 ? null : Math.min(...inWindow.map((x) => x.price)));
      expect(stats.volume).toBe(inWindow.reduce((s, x) => s + BigInt(x.quantity), 0n));
      expect(stats.quoteVolume).toBe(inWindow.reduce((s, x) => s + BigInt(x.quoteQuantity), 0n));
    }
  });

  it('sums volumes past 2^53 exactly', () => {
    const ticker = new RollingTicker();
    const big = Number.MAX_SAFE_INTEGER;
    ticker.addTrade({ tradeId: 1, price: 1, quantity: big, quoteQuantity: big }, T0);
    ticker.addTrade({ tradeId: 2, price: 1, quantity: big, quoteQuantity: big }, T0 + 1);

    const stats = ticker.stats(T0 + 2);

    expect(stats.volume).toBe(2n * BigInt(big));
    expect(stats.quoteVolume).toBe(2n * BigInt(big));
  });
});

describe('formatTicker', () => {
  it('formats prices on the tick grid, volumes in base and quote, change and percent exactly', () => {
    const ticker = new RollingTicker();
    ticker.addTrade({ tradeId: 1, price: 15_000, quantity: 2_000, quoteQuantity: 300_000_000 }, T0);
    ticker.addTrade({ tradeId: 2, price: 14_001, quantity: 500, quoteQuantity: 70_005_000 }, T0 + 1);

    const model = formatTicker(market, ticker.stats(T0 + 2), 9);

    expect(model).toEqual({
      market: 'SOL_USDC',
      seq: 9,
      openTime: T0 - DAY + MINUTE,
      closeTime: T0 + 2,
      openPrice: '150.00',
      highPrice: '150.00',
      lowPrice: '140.01',
      lastPrice: '140.01',
      priceChange: '-9.99',
      // −9.99 / 150 = −6.66 % exactly.
      priceChangePercent: '-6.660',
      volume: '2.500',
      quoteVolume: '370.005000',
      count: 2,
      firstTradeId: 1,
      lastTradeId: 2,
    });
  });

  it('rounds the percent half away from zero', () => {
    const ticker = new RollingTicker();
    ticker.addTrade({ tradeId: 1, price: 3, quantity: 1, quoteQuantity: 30 }, T0);
    ticker.addTrade({ tradeId: 2, price: 4, quantity: 1, quoteQuantity: 40 }, T0);

    // +1/3 = 33.3333… %
    expect(formatTicker(market, ticker.stats(T0), 1).priceChangePercent).toBe('33.333');
  });
});

describe('formatBookTicker', () => {
  it('takes the best level of each side, null for an empty side', () => {
    const model = formatBookTicker(
      market,
      {
        lastUpdateId: 4,
        bids: [
          [9_950, 1_500],
          [9_900, 1],
        ],
        asks: [],
      },
      12,
    );

    expect(model).toEqual({
      market: 'SOL_USDC',
      seq: 12,
      updateId: 4,
      bidPrice: '99.50',
      bidQty: '1.500',
      askPrice: null,
      askQty: null,
    });
  });
});
