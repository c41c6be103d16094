/**
 * Integration tests of `/api/v3` market data through the API Gateway emulator, on real
 * Redis (read models written by the engine's own publisher) and PostgreSQL (trades
 * written by the DB processor): Binance's paths, parameters, fields and errors.
 */

import { keys, redis } from '@exchange/functions/db/redis';
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

const get = (path: string, query = '') => send(stack.api, { path: `/api/v3/${path}`, query });
const list = (body: unknown) => body as Record<string, unknown>[];
/** `"1.50000000"` → `"1.5"`: the same decimal however many zeros it is printed with. */
const norm = (value: unknown) =>
  String(value)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
const INVALID_SYMBOL = { code: -1121, msg: 'Invalid symbol.' };

describe('GET /api/v3/ping and /api/v3/time', () => {
  it('answers {} and the server time in ms', async () => {
    const before = Date.now();
    const ping = await get('ping');
    const time = await get('time');

    expect(ping.status).toBe(200);
    expect(ping.body).toEqual({});
    expect(time.body).toEqual({ serverTime: expect.any(Number) });
    expect(time.body.serverTime as number).toBeGreaterThanOrEqual(before);
  });
});

describe('GET /api/v3/exchangeInfo', () => {
  it('lists every market with Binance’s fields', async () => {
    const response = await get('exchangeInfo');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      timezone: 'UTC',
      serverTime: expect.any(Number),
      exchangeFilters: [],
    });
    expect(response.body.rateLimits).toEqual([
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'SECOND', intervalNum: 10, limit: 100_000 },
    ]);
    expect(list(response.body.symbols)[0]).toEqual({
      symbol: 'SOLUSDC',
      status: 'TRADING',
      baseAsset: 'SOL',
      baseAssetPrecision: 8,
      quoteAsset: 'USDC',
      quotePrecision: 6,
      quoteAssetPrecision: 6,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 6,
      orderTypes: [
        'LIMIT',
        'LIMIT_MAKER',
        'MARKET',
        'STOP_LOSS',
        'STOP_LOSS_LIMIT',
        'TAKE_PROFIT',
        'TAKE_PROFIT_LIMIT',
      ],
      icebergAllowed: false,
      ocoAllowed: true,
      otoAllowed: false,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: true,
      cancelReplaceAllowed: true,
      amendAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        {
          filterType: 'PRICE_FILTER',
          minPrice: '0.01000000',
          maxPrice: '1000000.00000000',
          tickSize: '0.01000000',
        },
        { filterType: 'LOT_SIZE', minQty: '0.00100000', maxQty: '1000000.00000000', stepSize: '0.00100000' },
        {
          filterType: 'MARKET_LOT_SIZE',
          minQty: '0.00100000',
          maxQty: '1000000.00000000',
          stepSize: '0.00100000',
        },
        {
          filterType: 'TRAILING_DELTA',
          minTrailingAboveDelta: 10,
          maxTrailingAboveDelta: 2000,
          minTrailingBelowDelta: 10,
          maxTrailingBelowDelta: 2000,
        },
        {
          filterType: 'NOTIONAL',
          minNotional: '1.00000000',
          applyMinToMarket: true,
          maxNotional: '9007199254.74099100',
          applyMaxToMarket: true,
          avgPriceMins: 0,
        },
        { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 10000 },
        { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 100 },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
      allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
    });
  });

  it('gives every market filters equal to its configuration', async () => {
    const symbols = list((await get('exchangeInfo')).body.symbols);

    const filters = symbols.map((s) => Object.fromEntries(list(s.filters).map((f) => [f.filterType, f])));

    expect(symbols.map((s) => [s.symbol, s.baseAsset, s.quoteAsset])).toEqual(
      MARKET_CONFIG.map((c) => [`${c.base}${c.quote}`, c.base, c.quote]),
    );
    expect(
      filters.map((f) => [
        norm(f.PRICE_FILTER?.tickSize),
        norm(f.PRICE_FILTER?.maxPrice),
        norm(f.LOT_SIZE?.stepSize),
        norm(f.LOT_SIZE?.maxQty),
        norm(f.MARKET_LOT_SIZE?.stepSize),
        norm(f.NOTIONAL?.minNotional),
      ]),
    ).toEqual(
      MARKET_CONFIG.map((c) => [
        c.tickSize,
        c.maxPrice,
        c.stepSize,
        c.maxQuantity,
        c.stepSize,
        c.minNotional,
      ]),
    );
  });

  it('answers one market for symbol= and the listed ones, in order, for symbols=[...]', async () => {
    const one = await get('exchangeInfo', 'symbol=ETHUSDC');
    const some = await get('exchangeInfo', `symbols=${encodeURIComponent('["BTCUSDC","SOLUSDC"]')}`);
    const raw = await get('exchangeInfo', 'symbols=["SOLUSDC","BTCUSDC"]');

    expect(list(one.body.symbols).map((s) => s.symbol)).toEqual(['ETHUSDC']);
    expect(list(some.body.symbols).map((s) => s.symbol)).toEqual(['BTCUSDC', 'SOLUSDC']);
    expect(list(raw.body.symbols).map((s) => s.symbol)).toEqual(['SOLUSDC', 'BTCUSDC']);
  });

  it.each([
    ['symbol=XRPUSDC', 400, INVALID_SYMBOL],
    ['symbols=["SOLUSDC","XRPUSDC"]', 400, INVALID_SYMBOL],
    [
      'symbols=[SOLUSDC]',
      400,
      {
        code: -1100,
        msg: `Illegal characters found in parameter 'symbols'; legal range is '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$'.`,
      },
    ],
    ['symbols=["SOLUSDC", "BTCUSDC"]', 400, expect.objectContaining({ code: -1100 })],
    [
      'symbols=[]',
      400,
      { code: -1102, msg: "Mandatory parameter 'symbols' was not sent, was empty/null, or malformed." },
    ],
    [
      'symbol=SOLUSDC&symbols=["BTCUSDC"]',
      400,
      { code: -1106, msg: "Parameter 'symbols' sent when not required." },
    ],
    [
      'permissions=SPOT',
      400,
      { code: -1104, msg: "Not all sent parameters were read; read '0' parameter(s) but was sent '1'." },
    ],
  ])('refuses %s', async (query, status, body) => {
    const response = await get('exchangeInfo', query);

    expect(response.status).toBe(status);
    expect(response.body).toEqual(body);
  });
});

describe('GET /api/v3/depth', () => {
  it("answers the engine's book with its lastUpdateId, 100 levels by default", async () => {
    const engineDepth = scenario.engine.depth('SOL_USDC');

    const response = await get('depth', 'symbol=SOLUSDC');

    expect(response.status).toBe(200);
    expect(response.body.lastUpdateId).toBe(engineDepth?.lastUpdateId);
    expect(response.body.bids).toEqual([
      ['99.00', '1.800'],
      ['98.75', '1.000'],
    ]);
    expect(response.body.asks).toEqual([
      ['101.00', '1.250'],
      ['102.50', '1.500'],
      ...[103, 104, 105, 106, 107, 108, 109, 110].map((p) => [`${p}.00`, '1.000']),
    ]);
  });

  it.each([
    [1, 1, 1],
    [5, 2, 5],
    [10, 2, 10],
    [20, 2, 10],
    [5000, 2, 10],
    [6000, 2, 10],
  ])('limit=%i gives at most that many levels per side', async (limit, bids, asks) => {
    const response = await get('depth', `symbol=SOLUSDC&limit=${limit}`);

    expect(response.status).toBe(200);
    expect([(response.body.bids as unknown[]).length, (response.body.asks as unknown[]).length]).toEqual([
      bids,
      asks,
    ]);
    expect((response.body.asks as string[][])[0]).toEqual(['101.00', '1.250']);
  });

  it('answers an empty book for a market without orders, and refuses bad input', async () => {
    const empty = await get('depth', 'symbol=BTCUSDC');
    const zero = await get('depth', 'symbol=SOLUSDC&limit=0');
    const unknown = await get('depth', 'symbol=XRPUSDC');
    const missing = await get('depth');

    expect(empty.body).toEqual({ lastUpdateId: 0, bids: [], asks: [] });
    expect(zero.body).toEqual({ code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
    expect(unknown.body).toEqual(INVALID_SYMBOL);
    expect(missing.body).toEqual({
      code: -1102,
      msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
    });
  });
});

describe('GET /api/v3/trades and /api/v3/aggTrades', () => {
  it('answers Binance’s trade fields, oldest first', async () => {
    const [t1, t2, t3] = scenario.tradeTimes;

    const response = await get('trades', 'symbol=SOLUSDC');

    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      {
        id: 1,
        price: '101.00',
        qty: '0.500',
        quoteQty: '50.500000',
        time: t1,
        isBuyerMaker: false,
        isBestMatch: true,
      },
      {
        id: 2,
        price: '99.00',
        qty: '1.200',
        quoteQty: '118.800000',
        time: t2,
        isBuyerMaker: true,
        isBestMatch: true,
      },
      {
        id: 3,
        price: '101.00',
        qty: '0.250',
        quoteQty: '25.250000',
        time: t3,
        isBuyerMaker: false,
        isBestMatch: true,
      },
    ]);
  });

  it('limits trades to the newest, refuses a limit over 1000, and answers [] where nothing traded', async () => {
    const newest = await get('trades', 'symbol=SOLUSDC&limit=1');
    const tooMany = await get('trades', 'symbol=SOLUSDC&limit=1001');
    const none = await get('trades', 'symbol=ETHUSDC');

    expect(list(newest.body).map((t) => t.id)).toEqual([3]);
    expect(tooMany.body).toEqual({ code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
    expect(none.body).toEqual([]);
  });

  it('answers one aggregate per trade, with a, p, q, f, l, T, m, M', async () => {
    const [t1, t2, t3] = scenario.tradeTimes;

    const response = await get('aggTrades', 'symbol=SOLUSDC');

    expect(response.body).toEqual([
      { a: 1, p: '101.00', q: '0.500', f: 1, l: 1, T: t1, m: false, M: true },
      { a: 2, p: '99.00', q: '1.200', f: 2, l: 2, T: t2, m: true, M: true },
      { a: 3, p: '101.00', q: '0.250', f: 3, l: 3, T: t3, m: false, M: true },
    ]);
  });

  it('selects aggregates by fromId, and by time', async () => {
    const [, t2, t3] = scenario.tradeTimes;

    const fromId = await get('aggTrades', 'symbol=SOLUSDC&fromId=2&limit=1');
    const range = await get('aggTrades', `symbol=SOLUSDC&startTime=${t2}&endTime=${t3 - 1}`);
    const none = await get('aggTrades', 'symbol=BTCUSDC');

    expect(list(fromId.body).map((t) => t.a)).toEqual([2]);
    expect(list(range.body).map((t) => t.a)).toEqual([2]);
    expect(none.body).toEqual([]);
  });
});

describe('GET /api/v3/klines', () => {
  it('answers 12-column candles', async () => {
    const minute = scenario.t0 + 60_000;

    const response = await get('klines', 'symbol=SOLUSDC&interval=1m');

    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      [
        minute,
        '101.00',
        '101.00',
        '101.00',
        '101.00',
        '0.500',
        minute + 59_999,
        '50.500000',
        1,
        '0.500',
        '50.500000',
        '0',
      ],
      [
        minute + 60_000,
        '99.00',
        '101.00',
        '99.00',
        '101.00',
        '1.450',
        minute + 119_999,
        '144.050000',
        2,
        '0.250',
        '25.250000',
        '0',
      ],
    ]);
  });

  it('rolls trades up into wider intervals and honours limit, startTime and endTime', async () => {
    const daily = await get('klines', 'symbol=SOLUSDC&interval=1d');
    const last = await get('klines', 'symbol=SOLUSDC&interval=1m&limit=1');
    const first = await get('klines', `symbol=SOLUSDC&interval=1m&endTime=${scenario.t0 + 60_000}`);

    const candles = daily.body as unknown as unknown[][];
    expect(candles.reduce((n, k) => n + (k[8] as number), 0)).toBe(3);
    expect((last.body as unknown as unknown[][]).map((k) => k[8])).toEqual([2]);
    expect((first.body as unknown as unknown[][]).map((k) => k[8])).toEqual([1]);
  });

  it.each(['1s', '3m', '30m', '2h', '6h', '8h', '12h', '3d', '1M', '1y'])(
    'refuses interval=%s with -1120',
    async (interval) => {
      const response = await get('klines', `symbol=SOLUSDC&interval=${interval}`);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ code: -1120, msg: 'Invalid interval.' });
    },
  );

  it('answers [] for a market without trades, and -1121 for an unknown one', async () => {
    expect((await get('klines', 'symbol=ETHUSDC&interval=1w')).body).toEqual([]);
    expect((await get('klines', 'symbol=ETHBTC&interval=1w')).body).toEqual(INVALID_SYMBOL);
  });
});

describe('GET /api/v3/ticker/24hr', () => {
  const sol = () => ({
    symbol: 'SOLUSDC',
    priceChange: '0.00',
    priceChangePercent: '0.000',
    weightedAvgPrice: '99.76923077',
    prevClosePrice: '101.00',
    lastPrice: '101.00',
    lastQty: '0.250',
    bidPrice: '99.00',
    bidQty: '1.800',
    askPrice: '101.00',
    askQty: '1.250',
    openPrice: '101.00',
    highPrice: '101.00',
    lowPrice: '99.00',
    volume: '1.950',
    quoteVolume: '194.550000',
    openTime: expect.any(Number),
    closeTime: scenario.tradeTimes[2],
    firstId: 1,
    lastId: 3,
    count: 3,
  });

  it('answers Binance’s full field set for one market, weightedAvgPrice = quoteVolume / volume exactly', async () => {
    const response = await get('ticker/24hr', 'symbol=SOLUSDC');

    expect(response.status).toBe(200);
    expect(response.body).toEqual(sol());
    expect(Object.keys(response.body)).toEqual(Object.keys(sol()));
  });

  it('answers every market, or the listed ones, as an array; zeros and -1 ids where nothing traded', async () => {
    const all = await get('ticker/24hr');
    const some = await get('ticker/24hr', 'symbols=["ETHUSDC","SOLUSDC"]');

    expect(list(all.body).map((t) => t.symbol)).toEqual(['SOLUSDC', 'BTCUSDC', 'ETHUSDC']);
    expect(list(some.body)[1]).toEqual(sol());
    expect(list(some.body)[0]).toEqual({
      symbol: 'ETHUSDC',
      priceChange: '0.00',
      priceChangePercent: '0.000',
      weightedAvgPrice: '0.00000000',
      prevClosePrice: '0.00',
      lastPrice: '0.00',
      lastQty: '0.0000',
      bidPrice: '0.00',
      bidQty: '0.0000',
      askPrice: '0.00',
      askQty: '0.0000',
      openPrice: '0.00',
      highPrice: '0.00',
      lowPrice: '0.00',
      volume: '0.0000',
      quoteVolume: '0.000000',
      openTime: expect.any(Number),
      closeTime: expect.any(Number),
      firstId: -1,
      lastId: -1,
      count: 0,
    });
  });

  it('answers the mini ticker for type=MINI and refuses another type', async () => {
    const mini = await get('ticker/24hr', 'symbol=SOLUSDC&type=MINI');
    const bad = await get('ticker/24hr', 'symbol=SOLUSDC&type=FAT');

    expect(mini.body).toEqual({
      symbol: 'SOLUSDC',
      openPrice: '101.00',
      highPrice: '101.00',
      lowPrice: '99.00',
      lastPrice: '101.00',
      volume: '1.950',
      quoteVolume: '194.550000',
      openTime: expect.any(Number),
      closeTime: scenario.tradeTimes[2],
      firstId: 1,
      lastId: 3,
      count: 3,
    });
    expect(bad.body).toMatchObject({ code: -1100 });
  });

  it('answers from PostgreSQL when the Redis ticker is missing', async () => {
    const key = keys().ticker('SOL_USDC');
    const saved = await redis().get(key);
    await redis().del(key);
    try {
      const response = await get('ticker/24hr', 'symbol=SOLUSDC');

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...sol(), closeTime: expect.any(Number) });
    } finally {
      if (saved !== null) await redis().set(key, saved);
    }
  });
});

describe('GET /api/v3/ticker/price and /api/v3/ticker/bookTicker', () => {
  it('answers last prices for one, some, or every market', async () => {
    const one = await get('ticker/price', 'symbol=SOL_USDC');
    const some = await get('ticker/price', 'symbols=["SOLUSDC","BTCUSDC"]');
    const all = await get('ticker/price');

    expect(one.body).toEqual({ symbol: 'SOLUSDC', price: '101.00' });
    expect(some.body).toEqual([
      { symbol: 'SOLUSDC', price: '101.00' },
      { symbol: 'BTCUSDC', price: '0.0' },
    ]);
    expect(list(all.body).map((t) => t.symbol)).toEqual(['SOLUSDC', 'BTCUSDC', 'ETHUSDC']);
  });

  it('answers the best bid and ask, zeros for an empty book', async () => {
    const one = await get('ticker/bookTicker', 'symbol=SOLUSDC');
    const some = await get('ticker/bookTicker', 'symbols=["BTCUSDC"]');

    expect(one.body).toEqual({
      symbol: 'SOLUSDC',
      bidPrice: '99.00',
      bidQty: '1.800',
      askPrice: '101.00',
      askQty: '1.250',
    });
    expect(some.body).toEqual([
      { symbol: 'BTCUSDC', bidPrice: '0.0', bidQty: '0.00000', askPrice: '0.0', askQty: '0.00000' },
    ]);
  });
});

describe('unknown symbols', () => {
  it.each([
    'depth',
    'trades',
    'aggTrades',
    'ticker/24hr',
    'ticker/price',
    'ticker/bookTicker',
    'exchangeInfo',
  ])('%s answers -1121 Invalid symbol.', async (path) => {
    const response = await get(path, 'symbol=SOLUSDT');

    expect(response.status).toBe(400);
    expect(response.body).toEqual(INVALID_SYMBOL);
  });
});
