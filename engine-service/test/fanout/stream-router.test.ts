import {
  type BookTickerReadModel,
  bookTickerJson,
  createMarketRegistry,
  type DepthDiff,
  type PublicTrade,
  publicTradesJson,
  type TickerReadModel,
  tickerJson,
} from '@exchange/protocol';
import { StreamRouter } from '../../src/fanout/stream-router.js';

const registry = createMarketRegistry();
const T0 = Date.UTC(2026, 0, 5, 10, 0);

function router(wanted: readonly string[]) {
  const set = new Set(wanted);
  return new StreamRouter({ registry, wanted: (s) => set.has(s) });
}

const trade: PublicTrade = {
  type: 'TRADE',
  seq: 7,
  time: T0 + 5,
  market: 'SOL_USDC',
  tradeId: 3,
  price: '100.00',
  quantity: '0.500',
  quoteQuantity: '50.000000',
  takerSide: 'SELL',
};
const depth: DepthDiff = {
  seq: 7,
  time: T0 + 5,
  firstUpdateId: 9,
  lastUpdateId: 9,
  bids: [['100.00', '0.000']],
  asks: [],
};

describe('StreamRouter', () => {
  it('sends trades at once, in both faces, and only to streams someone wants', () => {
    // Prepare
    const routes = router(['trades@SOL_USDC', 'solusdc@trade']);
    routes.resumeCandles([]);
    // Act
    const out = routes.onMessage('trades@SOL_USDC', publicTradesJson([trade]));
    // Assess
    expect(out.map((o) => o.stream)).toEqual(['trades@SOL_USDC', 'solusdc@trade']);
    expect(JSON.parse(out[0]?.frame ?? '')).toEqual({ stream: 'trades@SOL_USDC', data: trade });
    expect(JSON.parse(out[1]?.frame ?? '')).toEqual({
      e: 'trade',
      E: T0 + 5,
      s: 'SOLUSDC',
      t: 3,
      p: '100.00',
      q: '0.500',
      T: T0 + 5,
      m: true,
      M: true,
    });
    expect(out.map((o) => o.batchable)).toEqual([true, false]);
  });

  it('sends each trade once when the engine publishes a batch again after a restart', () => {
    // Prepare
    const routes = router(['trades@SOL_USDC', 'solusdc@trade']);
    routes.resumeCandles([]);
    const next: PublicTrade = { ...trade, seq: 8, tradeId: 4, time: T0 + 6 };
    routes.onMessage('trades@SOL_USDC', publicTradesJson([trade]));

    // Act: the batch of trade 3 again, with trade 4 after it; then trade 4 alone again
    const again = routes.onMessage('trades@SOL_USDC', publicTradesJson([trade, next]));
    const twice = routes.onMessage('trades@SOL_USDC', publicTradesJson([next]));

    // Assess
    expect(again.map((o) => JSON.parse(o.frame).data?.tradeId ?? JSON.parse(o.frame).t)).toEqual([4, 4]);
    expect(twice).toEqual([]);
  });

  it('flushes a market as depth, then ticker, then book ticker, then candles', () => {
    // Prepare
    const routes = router([
      'depth@SOL_USDC',
      'solusdc@depth',
      'ticker@SOL_USDC',
      'bookTicker@SOL_USDC',
      'solusdc@kline_1m',
    ]);
    routes.resumeCandles([]);
    routes.onMessage('trades@SOL_USDC', publicTradesJson([trade]));
    routes.onMessage('depth@SOL_USDC', JSON.stringify(depth));
    routes.onMessage('ticker@SOL_USDC', tickerJson({ market: 'SOL_USDC', count: 1 } as TickerReadModel));
    const book: BookTickerReadModel = {
      market: 'SOL_USDC',
      seq: 7,
      updateId: 9,
      bidPrice: null,
      bidQty: null,
      askPrice: null,
      askQty: null,
    };
    routes.onMessage('bookTicker@SOL_USDC', bookTickerJson(book));
    // Act
    const first = routes.flush(T0 + 10);
    const second = routes.flush(T0 + 20);
    // Assess
    expect(first.map((o) => o.stream)).toEqual([
      'depth@SOL_USDC',
      'solusdc@depth',
      'ticker@SOL_USDC',
      'bookTicker@SOL_USDC',
      'solusdc@kline_1m',
    ]);
    expect(JSON.parse(first[1]?.frame ?? '')).toEqual({
      e: 'depthUpdate',
      E: T0 + 5,
      s: 'SOLUSDC',
      U: 9,
      u: 9,
      b: [['100.00', '0.000']],
      a: [],
    });
    expect(JSON.parse(first[4]?.frame ?? '')).toMatchObject({
      e: 'kline',
      s: 'SOLUSDC',
      k: { t: T0, i: '1m', o: '100.00', v: '0.500', n: 1, x: false, V: '0.000' },
    });
    expect(second).toEqual([]);
  });

  it('holds trades until the candles resume, then counts only those the stored candle lacks', () => {
    // Prepare
    const routes = router(['kline@SOL_USDC_1m']);
    routes.onMessage('trades@SOL_USDC', publicTradesJson([{ ...trade, tradeId: 2 }, trade]));
    const before = routes.flush(T0 + 10);
    // Act
    routes.resumeCandles([
      {
        market: 'SOL_USDC',
        interval: '1m',
        candle: {
          openTime: T0,
          closeTime: T0 + 59_999,
          open: '90.00',
          high: '110.00',
          low: '90.00',
          close: '100.00',
          volume: '2.000',
          quoteVolume: '200.000000',
          takerBuyVolume: '0.000',
          takerBuyQuoteVolume: '0.000000',
          trades: 2,
          firstTradeId: 1,
          lastTradeId: 2,
        },
      },
    ]);
    const after = routes.flush(T0 + 20);
    // Assess
    expect(before).toEqual([]);
    expect(JSON.parse(after[0]?.frame ?? '').data).toMatchObject({
      open: '90.00',
      high: '110.00',
      volume: '2.500',
      trades: 3,
      lastTradeId: 3,
      closed: false,
    });
  });
});
