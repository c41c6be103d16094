/**
 * The REST shell against malformed requests, table-driven, through the API Gateway
 * emulator with real fetch, PostgreSQL and Redis. The probe endpoints below are built
 * with the same helpers (and the same market rules) a real order endpoint uses; every
 * row asserts the exact status and code, and no request may end in a 5xx.
 */

import {
  ApiError,
  fromDecimalError,
  param,
  publicEndpoint,
  signedEndpoint,
} from '@exchange/functions/http/api';
import { MAX_BODY_BYTES } from '@exchange/functions/http/middleware/params';
import { createMarketRegistry, DecimalError, parseOnGrid } from '@exchange/protocol';
import { z } from 'zod';
import { type Harness, send, signUp, startHarness, type TestRequest } from './harness.js';

// The crash probes log their errors on purpose; keep the test output clean.
process.env.LOG_LEVEL = 'silent';
const registry = createMarketRegistry();

/** What an order endpoint checks: a listed market, prices and quantities on its grids. */
const orderProbe = (face: 'v1' | 'v3') =>
  signedEndpoint(
    face,
    {
      symbol: param.symbol(),
      side: z.enum(['BUY', 'SELL']),
      quantity: param.decimal(),
      price: param.decimal().optional(),
      limit: param.integer({ max: 1000 }).optional(),
    },
    ({ params }) => {
      const market =
        registry.market(params.symbol) ??
        registry.markets.find((m) => m.symbol.replace('_', '') === params.symbol);
      if (market === undefined) throw new ApiError('UNKNOWN_SYMBOL', { field: 'symbol' });
      const onGrid = (
        value: string,
        field: string,
        grid: typeof market.tick,
        code: 'PRICE_FILTER' | 'LOT_SIZE',
      ) => {
        try {
          return parseOnGrid(value, grid);
        } catch (error) {
          if (error instanceof DecimalError) throw fromDecimalError(error, field, code);
          throw error;
        }
      };
      return {
        lots: onGrid(params.quantity, 'quantity', market.step, 'LOT_SIZE'),
        ticks: params.price === undefined ? null : onGrid(params.price, 'price', market.tick, 'PRICE_FILTER'),
      };
    },
  );

let stack: Harness;
let key: { apiKey: string; secretKey: string };
beforeAll(async () => {
  stack = await startHarness(() => [
    { method: 'POST', path: '/api/v3/order-probe', handler: orderProbe('v3') },
    { method: 'POST', path: '/api/v1/order-probe', handler: orderProbe('v1') },
    {
      method: 'GET',
      path: '/api/v3/depth-probe',
      handler: publicEndpoint(
        'v3',
        { symbol: param.symbol(), limit: param.integer({ max: 5000 }).optional() },
        () => ({}),
      ),
    },
    {
      method: 'GET',
      path: '/api/v3/crash',
      handler: publicEndpoint('v3', {}, () => {
        throw new Error('connect ECONNREFUSED postgres://admin:hunter2@10.0.0.5');
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/crash',
      handler: publicEndpoint('v1', {}, () => {
        throw new TypeError("Cannot read properties of undefined (reading 'hunter2')");
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/zod-in-handler',
      handler: publicEndpoint('v1', { n: param.text(10).optional() }, () =>
        z.object({ n: z.string() }).parse({ n: 5 }),
      ),
    },
  ]);
  key = await signUp(stack.api);
});
afterAll(() => stack.close());

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const ORDER_V3 = 'symbol=SOLUSDC&side=BUY&quantity=1.5&price=20.25';

/** One malformed request and what it must get. */
interface Row {
  readonly request: () => TestRequest;
  readonly status: number;
  /** `/api/v3`: `[code, exact msg]`; `/api/v1`: `[code, field]`. */
  readonly v3?: readonly [number, string];
  readonly v1?: readonly [string, string | undefined];
}

const v3Order =
  (query: string): (() => TestRequest) =>
  () => ({ method: 'POST', path: '/api/v3/order-probe', query, key });
const v1Order =
  (body: string, extra: Partial<TestRequest> = {}): (() => TestRequest) =>
  () => ({
    method: 'POST',
    path: '/api/v1/order-probe',
    body,
    contentType: JSON_TYPE,
    key,
    ...extra,
  });

const ROWS: Record<string, Row> = {
  // --- /api/v1, JSON
  'v1: body is not JSON': { request: v1Order('{"symbol":'), status: 400, v1: ['MALFORMED_JSON', 'body'] },
  'v1: body is a JSON array': { request: v1Order('[1,2]'), status: 400, v1: ['MALFORMED_JSON', 'body'] },
  'v1: quantity is a JSON number': {
    request: v1Order('{"symbol":"SOL_USDC","side":"BUY","quantity":1.5}'),
    status: 400,
    v1: ['BAD_PARAMETER', 'quantity'],
  },
  'v1: side is a JSON boolean': {
    request: v1Order('{"symbol":"SOL_USDC","side":true,"quantity":"1"}'),
    status: 400,
    v1: ['INVALID_SIDE', 'side'],
  },
  'v1: negative quantity': {
    request: v1Order('{"symbol":"SOL_USDC","side":"BUY","quantity":"-1"}'),
    status: 400,
    v1: ['ILLEGAL_CHARACTERS', 'quantity'],
  },
  'v1: price off the tick grid': {
    request: v1Order('{"symbol":"SOL_USDC","side":"BUY","quantity":"1","price":"20.005"}'),
    status: 400,
    v1: ['PRICE_FILTER', 'price'],
  },
  'v1: quantity off the step grid': {
    request: v1Order('{"symbol":"SOL_USDC","side":"BUY","quantity":"0.0005"}'),
    status: 400,
    v1: ['LOT_SIZE', 'quantity'],
  },
  'v1: unknown symbol': {
    request: v1Order('{"symbol":"DOGE_USDC","side":"BUY","quantity":"1"}'),
    status: 400,
    v1: ['UNKNOWN_SYMBOL', 'symbol'],
  },
  'v1: missing symbol': {
    request: v1Order('{"side":"BUY","quantity":"1"}'),
    status: 400,
    v1: ['MISSING_PARAMETER', 'symbol'],
  },
  'v1: null symbol counts as missing': {
    request: v1Order('{"symbol":null,"side":"BUY","quantity":"1"}'),
    status: 400,
    v1: ['MISSING_PARAMETER', 'symbol'],
  },
  'v1: unknown parameter': {
    request: v1Order('{"symbol":"SOL_USDC","side":"BUY","quantity":"1","leverage":"100"}'),
    status: 400,
    v1: ['UNKNOWN_PARAMETER', 'leverage'],
  },
  'v1: parameter in both query string and body': {
    request: v1Order('{"symbol":"SOL_USDC","side":"BUY","quantity":"1"}', { query: 'symbol=SOL_USDC' }),
    status: 400,
    v1: ['DUPLICATE_PARAMETER', 'symbol'],
  },
  'v1: oversize body': {
    request: v1Order(JSON.stringify({ symbol: 'SOL_USDC', pad: 'x'.repeat(MAX_BODY_BYTES) })),
    status: 413,
    v1: ['BODY_TOO_LARGE', 'body'],
  },
  'v1: missing signature': {
    request: () => ({
      method: 'POST',
      path: '/api/v1/order-probe',
      query: `timestamp=${Date.now()}`,
      body: '{}',
      headers: { 'X-MBX-APIKEY': key.apiKey },
    }),
    status: 400,
    v1: ['MISSING_PARAMETER', 'signature'],
  },
  'v1: unknown route': {
    request: () => ({ path: '/api/v1/no-such-thing' }),
    status: 404,
    v1: ['NOT_FOUND', undefined],
  },

  // --- /api/v3, query string and form
  'v3: negative quantity': {
    request: v3Order('symbol=SOLUSDC&side=BUY&quantity=-1'),
    status: 400,
    v3: [
      -1100,
      "Illegal characters found in parameter 'quantity'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
    ],
  },
  'v3: price off the tick grid': {
    request: v3Order('symbol=SOLUSDC&side=BUY&quantity=1&price=20.005'),
    status: 400,
    v3: [-1013, 'Filter failure: PRICE_FILTER'],
  },
  'v3: quantity off the step grid': {
    request: v3Order('symbol=SOLUSDC&side=BUY&quantity=0.0005'),
    status: 400,
    v3: [-1013, 'Filter failure: LOT_SIZE'],
  },
  'v3: unknown symbol': {
    request: v3Order('symbol=DOGEUSDC&side=BUY&quantity=1'),
    status: 400,
    v3: [-1121, 'Invalid symbol.'],
  },
  'v3: symbol with illegal characters': {
    request: v3Order('symbol=sol%2Fusdc&side=BUY&quantity=1'),
    status: 400,
    v3: [-1100, "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."],
  },
  'v3: missing quantity': {
    request: v3Order('symbol=SOLUSDC&side=BUY'),
    status: 400,
    v3: [-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."],
  },
  'v3: empty quantity': {
    request: v3Order('symbol=SOLUSDC&side=BUY&quantity='),
    status: 400,
    v3: [-1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."],
  },
  'v3: duplicate parameter': {
    request: v3Order('symbol=SOLUSDC&symbol=BTCUSDC&side=BUY&quantity=1'),
    status: 400,
    v3: [-1101, 'Duplicate values for a parameter detected.'],
  },
  'v3: unknown parameter': {
    request: v3Order(`${ORDER_V3}&leverage=100`),
    status: 400,
    v3: [-1104, "Not all sent parameters were read; read '4' parameter(s) but was sent '5'."],
  },
  'v3: invalid side': {
    request: v3Order('symbol=SOLUSDC&side=HOLD&quantity=1'),
    status: 400,
    v3: [-1117, 'Invalid side.'],
  },
  'v3: limit that is not an integer': {
    request: v3Order(`${ORDER_V3}&limit=1.5`),
    status: 400,
    v3: [-1100, "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,16}$'."],
  },
  'v3: limit out of range': {
    request: v3Order(`${ORDER_V3}&limit=1001`),
    status: 400,
    v3: [-1130, "Data sent for parameter 'limit' is not valid."],
  },
  'v3: oversize form body': {
    request: () => ({
      method: 'POST',
      path: '/api/v3/order-probe',
      body: `${ORDER_V3}&pad=${'x'.repeat(MAX_BODY_BYTES)}`,
      contentType: FORM,
      key,
      signIn: 'body',
    }),
    status: 413,
    v3: [-1101, 'Too many parameters sent for this endpoint.'],
  },
  'v3: missing signature': {
    request: () => ({
      method: 'POST',
      path: '/api/v3/order-probe',
      query: `${ORDER_V3}&timestamp=${Date.now()}`,
      headers: { 'X-MBX-APIKEY': key.apiKey },
    }),
    status: 400,
    v3: [-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."],
  },
  'v3: public endpoint, bad limit': {
    request: () => ({ path: '/api/v3/depth-probe', query: 'symbol=SOLUSDC&limit=abc' }),
    status: 400,
    v3: [-1100, "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,16}$'."],
  },
  'v3: public endpoint, missing symbol': {
    request: () => ({ path: '/api/v3/depth-probe' }),
    status: 400,
    v3: [-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."],
  },
  'v3: unknown route': {
    request: () => ({ path: '/api/v3/no-such-thing' }),
    status: 404,
    v3: [-1020, 'This operation is not supported.'],
  },
};

describe('malformed requests get the documented 4xx, never a 5xx', () => {
  it.each(Object.keys(ROWS))('%s', async (name) => {
    const row = ROWS[name] as Row;
    const response = await send(stack.api, row.request());

    expect(response.status).toBe(row.status);
    if (row.v3 !== undefined) expect(response.body).toEqual({ code: row.v3[0], msg: row.v3[1] });
    if (row.v1 !== undefined) {
      expect(response.body).toMatchObject({ code: row.v1[0], message: expect.any(String) });
      expect(response.body.field).toBe(row.v1[1]);
      if (row.v1[1] !== undefined) expect(response.body.message).toContain(row.v1[1]);
    }
    expect(stack.problems).toEqual([]);
  });

  it('a replayed timestamp: the second identical request is refused (-1002)', async () => {
    const request: TestRequest = {
      method: 'POST',
      path: '/api/v3/order-probe',
      query: ORDER_V3,
      key,
      timestamp: Date.now(),
    };
    const first = await send(stack.api, request);
    const second = await send(stack.api, request);
    expect(first).toMatchObject({ status: 200, body: { lots: 1500, ticks: 2025 } });
    expect([second.status, second.body]).toEqual([
      401,
      { code: -1002, msg: 'You are not authorized to execute this request.' },
    ]);
  });

  it('accepts the well-formed order on both faces', async () => {
    const v3 = await send(stack.api, {
      method: 'POST',
      path: '/api/v3/order-probe',
      body: ORDER_V3,
      contentType: FORM,
      key,
      signIn: 'body',
    });
    const v1 = await send(
      stack.api,
      v1Order('{"symbol":"SOL_USDC","side":"SELL","quantity":"1.5","price":"20.25","limit":10}')(),
    );
    expect([v3.status, v3.body]).toEqual([200, { lots: 1500, ticks: 2025 }]);
    expect([v1.status, v1.body]).toEqual([200, { lots: 1500, ticks: 2025 }]);
  });
});

describe('unexpected errors', () => {
  it('answer 500 with a generic body that leaks nothing, on both faces', async () => {
    const v3 = await send(stack.api, { path: '/api/v3/crash' });
    const v1 = await send(stack.api, { path: '/api/v1/crash' });

    expect([v3.status, v3.body]).toEqual([
      500,
      { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' },
    ]);
    expect([v1.status, v1.body]).toEqual([
      500,
      {
        code: 'INTERNAL_ERROR',
        message: 'Internal error; unable to process your request. Please try again.',
      },
    ]);
    expect(JSON.stringify([v3.body, v1.body])).not.toContain('hunter2');
  });

  it('a zod error thrown by an endpoint is a 400 naming the field', async () => {
    const response = await send(stack.api, { path: '/api/v1/zod-in-handler' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'BAD_PARAMETER', field: 'n' });
  });
});
