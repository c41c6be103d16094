/**
 * Fuzz test of the REST edge (fast-check): thousands of requests, signed and unsigned,
 * through the API Gateway emulator to the real handlers, engine and databases. Each
 * starts from a valid request of a route and corrupts it — a parameter replaced by a
 * hostile value (NUL, times past the date range, huge or negative numbers, other
 * types, long or non-ASCII text), dropped, repeated or joined by an unknown one, the
 * body malformed, or the key, timestamp or signature spoiled.
 *
 * Every answer must be a 2xx or a documented 4xx (a code of `error-codes.ts`, on each
 * face in its own form), never a 5xx; and since the account has no funds, nothing a
 * corrupted request asks for may be applied: no balance, no open order, no withdrawal.
 */

import { ERROR_SPECS, type ErrorCode } from '@exchange/functions/http/error-codes';
import fc from 'fast-check';
import { sign, signUp, type TestKey } from '../trading/client.js';
import { startTradingStack, type TradingStack } from '../trading/stack.js';

type Params = Record<string, string>;

/** A valid request of a route, before corruption. */
interface Template {
  readonly method: string;
  readonly path: string;
  readonly params: Params;
  readonly signed: boolean;
}

const TEMPLATES: readonly Template[] = [
  {
    method: 'GET',
    path: '/api/v3/klines',
    params: { symbol: 'SOLUSDC', interval: '1m', startTime: '0' },
    signed: false,
  },
  {
    method: 'GET',
    path: '/api/v3/aggTrades',
    params: { symbol: 'SOLUSDC', startTime: '0', endTime: '1' },
    signed: false,
  },
  { method: 'GET', path: '/api/v3/depth', params: { symbol: 'SOLUSDC', limit: '5' }, signed: false },
  { method: 'GET', path: '/api/v3/trades', params: { symbol: 'SOLUSDC', limit: '5' }, signed: false },
  { method: 'GET', path: '/api/v3/ticker/price', params: { symbol: 'SOLUSDC' }, signed: false },
  {
    method: 'GET',
    path: '/api/v1/klines',
    params: { symbol: 'SOL_USDC', interval: '1m', startTime: '0' },
    signed: false,
  },
  { method: 'GET', path: '/api/v1/depth', params: { symbol: 'SOL_USDC' }, signed: false },
  {
    method: 'POST',
    path: '/api/v3/order',
    params: {
      symbol: 'SOLUSDC',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      quantity: '1',
      price: '10.00',
    },
    signed: true,
  },
  {
    method: 'POST',
    path: '/api/v3/order/test',
    params: { symbol: 'SOLUSDC', side: 'SELL', type: 'MARKET', quantity: '0.5' },
    signed: true,
  },
  { method: 'DELETE', path: '/api/v3/order', params: { symbol: 'SOLUSDC', orderId: '1' }, signed: true },
  {
    method: 'GET',
    path: '/api/v3/order',
    params: { symbol: 'SOLUSDC', origClientOrderId: 'abc' },
    signed: true,
  },
  { method: 'GET', path: '/api/v3/allOrders', params: { symbol: 'SOLUSDC', startTime: '0' }, signed: true },
  { method: 'GET', path: '/api/v3/myTrades', params: { symbol: 'SOLUSDC', fromId: '1' }, signed: true },
  { method: 'DELETE', path: '/api/v3/openOrders', params: { symbol: 'SOLUSDC' }, signed: true },
  { method: 'GET', path: '/api/v3/account', params: {}, signed: true },
  {
    method: 'POST',
    path: '/api/v1/order',
    params: { market: 'SOL_USDC', side: 'BUY', type: 'LIMIT', price: '10.00', quantity: '1' },
    signed: true,
  },
  {
    method: 'GET',
    path: '/api/v1/orders/history',
    params: { market: 'SOL_USDC', startTime: '0' },
    signed: true,
  },
  { method: 'GET', path: '/api/v1/fills', params: { market: 'SOL_USDC', endTime: '1' }, signed: true },
  {
    method: 'POST',
    path: '/api/v1/withdrawals',
    params: { asset: 'USDC', amount: '1', address: 'addr-1' },
    signed: true,
  },
  { method: 'POST', path: '/api/v1/keys', params: { label: 'bot' }, signed: true },
];

/** Values no parameter accepts as meaningful, or that once reached PostgreSQL or the engine badly. */
const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '9000000000000000',
  '99999999999999999999999',
  '8640000000000001',
  '-1',
  '1e3',
  'NaN',
  'Infinity',
  '0x10',
  '1.',
  '.5',
  '1,5',
  '0.000000000000000000001',
  '100000000000000000000.1',
  ' 1',
  '%00',
  '%',
  '[]',
  '{}',
  'null',
  'true',
  "'; DROP TABLE accounts; --",
  '\u{1F4A9}',
  '\uFFFF',
  'é',
  'A'.repeat(5000),
  '__proto__',
  'constructor',
];

const hostileValue = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc.double().map(String),
);

/** One way to spoil a request. */
type Corruption =
  | { readonly kind: 'replace'; readonly index: number; readonly value: string }
  | { readonly kind: 'drop'; readonly index: number }
  | { readonly kind: 'unknown'; readonly name: string; readonly value: string }
  | { readonly kind: 'repeat'; readonly index: number }
  | { readonly kind: 'json-body'; readonly text: string }
  | {
      readonly kind: 'signature';
      readonly part: 'key' | 'timestamp' | 'signature' | 'recvWindow' | 'none';
      readonly value: string;
    };

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), index: fc.nat(), value: hostileValue }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), index: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('unknown' as const),
      name: fc.oneof(
        fc.constantFrom('__proto__', 'apiKey', 'accountId', 'a\u0000'),
        fc.string({ maxLength: 10 }),
      ),
      value: hostileValue,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), index: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('json-body' as const),
      text: fc.oneof(
        fc.constantFrom(
          '{',
          '[]',
          '"x"',
          '{"quantity":1e400}',
          '{"a":{"b":"\\u0000"}}',
          '[[[[[[[[[[[[[[[[[[[[',
        ),
        fc.json(),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('signature' as const),
      part: fc.constantFrom('key', 'timestamp', 'signature', 'recvWindow', 'none'),
      value: hostileValue,
    }),
  },
);

/** Every code `/api/v1` may answer with, and every Binance code `/api/v3` may. */
const NATIVE_CODES = new Set(Object.keys(ERROR_SPECS));
const BINANCE_CODES = new Set(
  (Object.keys(ERROR_SPECS) as ErrorCode[]).flatMap((code) => {
    const c = ERROR_SPECS[code].binanceCode;
    return typeof c === 'number' ? [c] : [c({ action: 'cancel' }), c({ action: 'query' })];
  }),
);

let stack: TradingStack;
let key: TestKey;
let nonce = 0;

beforeAll(async () => {
  stack = await startTradingStack();
  // Everything but key management: a fuzzed key creation would be a real key.
  key = await signUp(stack.api, { permissions: ['read', 'trade', 'withdraw'] });
});
afterAll(() => stack.close());

/** Builds and sends one corrupted request; its status and parsed body. */
async function sendCorrupted(
  template: Template,
  spoil: Corruption,
): Promise<{ status: number; body: unknown }> {
  const entries = Object.entries(template.params);
  const at = (index: number) => (entries.length === 0 ? -1 : index % entries.length);
  let extra: [string, string][] = [];
  if (spoil.kind === 'replace' && at(spoil.index) >= 0)
    entries[at(spoil.index)] = [entries[at(spoil.index)]?.[0] as string, spoil.value];
  if (spoil.kind === 'drop' && at(spoil.index) >= 0) entries.splice(at(spoil.index), 1);
  if (spoil.kind === 'repeat' && at(spoil.index) >= 0) extra = [entries[at(spoil.index)] as [string, string]];
  if (spoil.kind === 'unknown') extra = [[spoil.name, spoil.value]];

  const v1Body = template.path.startsWith('/api/v1') && template.method !== 'GET';
  const queryPairs: [string, string][] = v1Body ? [] : [...entries, ...extra];
  let body: string | undefined;
  if (v1Body) {
    body =
      spoil.kind === 'json-body' ? spoil.text : JSON.stringify(Object.fromEntries([...entries, ...extra]));
  } else if (spoil.kind === 'json-body' && template.method !== 'GET') {
    body = spoil.text;
  }

  const headers: Record<string, string> = {};
  if (body !== undefined)
    headers['content-type'] = v1Body ? 'application/json' : 'application/x-www-form-urlencoded';
  let query = queryPairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  if (template.signed) {
    const part = spoil.kind === 'signature' ? spoil.part : undefined;
    const value = spoil.kind === 'signature' ? spoil.value : '';
    if (part !== 'none') {
      headers['x-mbx-apikey'] = part === 'key' ? value.replace(/[^\x20-\x7e]/g, '') || 'x' : key.apiKey;
      const timing = [
        `recvWindow=${part === 'recvWindow' ? encodeURIComponent(value) : 50_000 + (nonce++ % 10_000)}`,
        `timestamp=${part === 'timestamp' ? encodeURIComponent(value) : Date.now()}`,
      ].join('&');
      query = [query, timing].filter((p) => p !== '').join('&');
      const signature = sign(key.secretKey, query + (body ?? ''));
      query += `&signature=${part === 'signature' ? encodeURIComponent(value) : signature}`;
    }
  }
  const response = await fetch(`${stack.api.url}${template.path}${query === '' ? '' : `?${query}`}`, {
    method: template.method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // judged below: an error must be JSON
  }
  return { status: response.status, body: parsed };
}

it('answers every corrupted request with a 2xx or a documented 4xx, never a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...TEMPLATES), corruption, async (template, spoil) => {
      const { status, body } = await sendCorrupted(template, spoil);
      expect({ template: template.path, status: status < 500 }).toEqual({
        template: template.path,
        status: true,
      });
      if (status >= 400) {
        const code = (body as { code?: unknown }).code;
        const documented = template.path.startsWith('/api/v3')
          ? BINANCE_CODES.has(code as number)
          : NATIVE_CODES.has(code as string);
        expect({ status, body, documented }).toEqual({ status, body, documented: true });
      }
    }),
    { numRuns: 2500 },
  );

  // Nothing was applied: the account never had funds, so it holds none, rests nothing, withdraws nothing.
  const { rows: balances } = await stack.db.pool.query(
    'SELECT count(*)::int AS n FROM balance_changes WHERE account_id = $1 AND (available <> 0 OR locked <> 0)',
    [key.accountId],
  );
  const { rows: withdrawals } = await stack.db.pool.query(
    "SELECT count(*)::int AS n FROM withdrawal_requests WHERE account_id = $1 AND status <> 'REJECTED'",
    [key.accountId],
  );
  const { rows: keys } = await stack.db.pool.query(
    'SELECT count(*)::int AS n FROM api_keys WHERE account_id = $1',
    [key.accountId],
  );
  expect([balances[0].n, withdrawals[0].n, keys[0].n]).toEqual([0, 0, 1]);
  expect(stack.problems).toEqual([]);
});
