/**
 * Integration tests of `/api/v1` market data through the API Gateway emulator, on real
 * Redis (read models written by the engine's own publisher) and PostgreSQL (trades
 * written by the DB processor): the native shapes, exactly.
 */
import { MARKET_CONFIG } from '@exchange/protocol';
import { type Harness, send, startHarness } from '../http/shell/harness.js';
import { runScenario, type Scenario } from './scenario.js';

let stack: Harness;
let scenario: Scenario;
beforeAll(async () => {
  stack = await startHarness();
  scenario = await runScenario(stack.db.pool);
});
afterAll(() => stack.close());
afterEach(() => {
  expect(stack.problems).toEqual([]);
});

const get = (path: string, query = '') => send(stack.api, { path: `/api/v1/${path}`, query });

describe('GET /api/v1/markets', () => {
  it('lists every market with what an order form validates against', async () => {
    const response = await get('markets');

    expect(response.status).toBe(200);
    expect((response.body as unknown as unknown[])[0]).toEqual({
      symbol: 'SOL_USDC',
      binanceSymbol: 'SOLUSDC',
      status: 'TRADING',
      base: 'SOL',
      quote: 'USDC',
      tickSize: '0.01',
      stepSize: '0.001',
      minNotional: '1',
      minPrice: '0.01',
      maxPrice: '1000000',
      minQuantity: '0.001',
      maxQuantity: '1000000',
      pricePrecision: 2,
      quantityPrecision: 3,
      basePrecision: 8,
      quotePrecision: 6,
      makerFeeBps: 10,
      takerFeeBps: 20,
      makerFee: '0.0010',
      takerFee: '0.0020',
    });
  });

  it('gives each configured market its configured grids, limits and fees', async () => {
    const body = (await get('markets')).body as unknown as Record<string, unknown>[];

    expect(
      body.map((m) => [
        m.symbol,
        m.base,
        m.quote,
        m.tickSize,
        m.stepSize,
        m.minNotional,
        m.maxPrice,
        m.maxQuantity,
        m.makerFeeBps,
        m.takerFeeBps,
      ]),
    ).toEqual(
      MARKET_CONFIG.map((c) => [
        c.symbol,
        c.base,
        c.quote,
        c.tickSize,
        c.stepSize,
        c.minNotional,
        c.maxPrice,
        c.maxQuantity,
        c.makerFeeBps,
        c.takerFeeBps,
      ]),
    );
  });
});

describe('GET /api/v1/depth', () => {
  it("answers the engine's book, best levels first, in either spelling", async () => {
    const native = await get('depth', 'symbol=SOL_USDC&limit=3');
    const binance = await get('depth', 'symbol=SOLUSDC&limit=3');

    expect(native.status).toBe(200);
    expect(native.body).toEqual({
      symbol: 'SOL_USDC',
      lastUpdateId: String(scenario.engine.depth('SOL_USDC')?.lastUpdateId),
      bids: [
        ['99.00', '1.800'],
        ['98.75', '1.000'],
      ],
      asks: [
        ['101.00', '1.250'],
        ['102.50', '1.500'],
        ['103.00', '1.000'],
      ],
    });
    expect(binance.body).toEqual(native.body);
  });

  it('gives every level held without a limit, and refuses a limit above the 100 held', async () => {
    const all = await get('depth', 'symbol=SOL_USDC');
    const tooMany = await get('depth', 'symbol=SOL_USDC&limit=101');

    expect((all.body.asks as unknown[]).length).toBe(10);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: 'BAD_PARAMETER', field: 'limit' });
  });

  it('answers an empty book for a market without orders', async () => {
    const response = await get('depth', 'symbol=BTC_USDC');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ symbol: 'BTC_USDC', lastUpdateId: '0', bids: [], asks: [] });
  });

  it('refuses an unknown symbol with UNKNOWN_SYMBOL and a missing one with MISSING_PARAMETER', async () => {
    const unknown = await get('depth', 'symbol=XRP_USDC');
    const missing = await get('depth');

    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({
      code: 'UNKNOWN_SYMBOL',
      message: "Parameter 'symbol' names no market: 'XRP_USDC' is not listed.",
      field: 'symbol',
    });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'MISSING_PARAMETER', field: 'symbol' });
  });
});

describe('GET /api/v1/trades', () => {
  it('answers the stored trades, oldest first, in the native Trade shape', async () => {
    const [t1, t2, t3] = scenario.tradeTimes;

    const response = await get('trades', 'symbol=SOL_USDC');

    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      {
        id: 1,
        isBuyerMaker: false,
        price: '101.00',
        quantity: '0.500',
        quoteQuantity: '50.500000',
        timestamp: t1,
      },
      {
        id: 2,
        isBuyerMaker: true,
        price: '99.00',
        quantity: '1.200',
        quoteQuantity: '118.800000',
        timestamp: t2,
      },
      {
        id: 3,
        isBuyerMaker: false,
        price: '101.00',
        quantity: '0.250',
        quoteQuantity: '25.250000',
        timestamp: t3,
      },
    ]);
  });

  it('gives the newest `limit` trades, and an empty list for a market without trades', async () => {
    const two = await get('trades', 'symbol=SOLUSDC&limit=2');
    const none = await get('trades', 'symbol=ETH_USDC');

    expect((two.body as unknown as { id: number }[]).map((t) => t.id)).toEqual([2, 3]);
    expect(none.status).toBe(200);
    expect(none.body).toEqual([]);
  });
});

describe('GET /api/v1/klines', () => {
  it('answers the native KLine shape, times in seconds on the way in', async () => {
    const minute = scenario.t0 + 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();

    const response = await get(
      'klines',
      `symbol=SOL_USDC&interval=1m&startTime=${scenario.t0 / 1000}&endTime=${(minute + 60_000) / 1000}`,
    );

    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      {
        start: iso(minute),
        end: iso(minute + 60_000),
        open: '101.00',
        high: '101.00',
        low: '101.00',
        close: '101.00',
        volume: '0.500',
        quoteVolume: '50.500000',
        trades: '1',
      },
      {
        start: iso(minute + 60_000),
        end: iso(minute + 120_000),
        open: '99.00',
        high: '101.00',
        low: '99.00',
        close: '101.00',
        volume: '1.450',
        quoteVolume: '144.050000',
        trades: '2',
      },
    ]);
  });

  it('bounds candles by startTime and endTime (seconds)', async () => {
    const second = (scenario.t0 + 120_000) / 1000;

    const from = await get('klines', `symbol=SOL_USDC&interval=1m&startTime=${second}`);
    const until = await get('klines', `symbol=SOL_USDC&interval=1m&endTime=${second - 1}`);

    expect((from.body as unknown as { trades: string }[]).map((k) => k.trades)).toEqual(['2']);
    expect((until.body as unknown as { trades: string }[]).map((k) => k.trades)).toEqual(['1']);
  });

  it('refuses a time in milliseconds rather than misreading it', async () => {
    const response = await get('klines', `symbol=SOL_USDC&interval=1m&startTime=${scenario.t0}`);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'BAD_PARAMETER', field: 'startTime' });
  });

  it('refuses an unsupported interval with INVALID_INTERVAL, and answers [] where nothing traded', async () => {
    const bad = await get('klines', 'symbol=SOL_USDC&interval=3m');
    const empty = await get('klines', 'symbol=BTC_USDC&interval=1h');

    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_INTERVAL', field: 'interval' });
    expect(empty.body).toEqual([]);
  });
});

describe('GET /api/v1/tickers and /api/v1/ticker', () => {
  const sol = {
    symbol: 'SOL_USDC',
    firstPrice: '101.00',
    high: '101.00',
    low: '99.00',
    lastPrice: '101.00',
    priceChange: '0.00',
    priceChangePercent: '0.000',
    volume: '1.950',
    quoteVolume: '194.550000',
    trades: '3',
  };

  it('answers every market’s 24 h ticker, zeros in the market’s scale where nothing traded', async () => {
    const response = await get('tickers');

    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      sol,
      {
        symbol: 'BTC_USDC',
        firstPrice: '0.0',
        high: '0.0',
        low: '0.0',
        lastPrice: '0.0',
        priceChange: '0.0',
        priceChangePercent: '0.000',
        volume: '0.00000',
        quoteVolume: '0.000000',
        trades: '0',
      },
      {
        symbol: 'ETH_USDC',
        firstPrice: '0.00',
        high: '0.00',
        low: '0.00',
        lastPrice: '0.00',
        priceChange: '0.00',
        priceChangePercent: '0.000',
        volume: '0.0000',
        quoteVolume: '0.000000',
        trades: '0',
      },
    ]);
  });

  it('answers one market’s ticker in either spelling, and refuses an unknown one', async () => {
    const one = await get('ticker', 'symbol=SOLUSDC');
    const unknown = await get('ticker', 'symbol=DOGE_USDC');

    expect(one.body).toEqual(sol);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_SYMBOL', field: 'symbol' });
  });
});
