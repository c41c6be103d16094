/**
 * Fuzz test of the WebSocket edge (fast-check), through the API Gateway WebSocket
 * emulator serving the real `WS_ROUTES` handlers, with the REST emulator, engine,
 * DB processor and databases of the trading stack behind them:
 *
 * - `$connect` with random `path` values and random query strings, unsigned or signed
 *   (`ws-connect:` domain) with one part spoiled: the upgrade opens, or is refused with
 *   a 4xx and a documented native code; never a 5xx.
 * - Messages on open connections: text that is not JSON, random JSON, stream requests
 *   and WebSocket API requests (each method's valid request, signed as Binance signs it
 *   or not) with a field corrupted — a parameter replaced by a hostile value of any JSON
 *   type, dropped or joined by an unknown one, `params`, `id` or `method` replaced, the
 *   key, timestamp or signature spoiled. Every answer is a success or a documented
 *   error: Binance's codes with a status below 500 on the WebSocket API, the codes of
 *   `ws-errors.ts` but `INTERNAL` and `UNAVAILABLE` on the stream routes; never API
 *   Gateway's "Internal server error".
 *
 * The account has no funds and its key cannot manage keys or withdraw, so nothing a
 * request asks for can be applied: afterwards it has no order (the engine's open orders
 * and the `orders` table), no balance, and one key.
 */
import { once } from 'node:events';
import { ERROR_SPECS, type ErrorCode } from '@exchange/functions/http/error-codes';
import { REST_METHOD_NAMES, SESSION_METHOD_NAMES } from '@exchange/functions/ws/api-method-names';
import { WS_ERROR_CODES } from '@exchange/functions/ws/ws-errors';
import { startWebSocketApi, type WebSocketApi } from '@exchange/localstack';
import fc from 'fast-check';
import WebSocket from 'ws';
import { call, sign, signUp, type TestKey } from '../trading/client.js';
import { startTradingStack, type TradingStack } from '../trading/stack.js';

type Json = unknown;

/** A valid WebSocket API request of a method, before corruption. */
interface Template {
  readonly method: string;
  readonly params: Readonly<Record<string, Json>>;
  readonly signed: boolean;
}

const order = {
  symbol: 'SOLUSDC',
  side: 'BUY',
  type: 'LIMIT',
  timeInForce: 'GTC',
  quantity: '1',
  price: '10.00',
};

const TEMPLATES: readonly Template[] = [
  { method: 'ping', params: {}, signed: false },
  { method: 'time', params: {}, signed: false },
  { method: 'exchangeInfo', params: { symbols: ['SOLUSDC', 'BTCUSDC'] }, signed: false },
  { method: 'depth', params: { symbol: 'SOLUSDC', limit: 5 }, signed: false },
  { method: 'trades.recent', params: { symbol: 'SOLUSDC', limit: 5 }, signed: false },
  { method: 'trades.aggregate', params: { symbol: 'SOLUSDC', startTime: 0, endTime: 1 }, signed: false },
  { method: 'klines', params: { symbol: 'SOLUSDC', interval: '1m', startTime: 0 }, signed: false },
  { method: 'ticker.24hr', params: { symbol: 'SOLUSDC' }, signed: false },
  { method: 'ticker.price', params: { symbols: ['SOLUSDC'] }, signed: false },
  { method: 'ticker', params: { symbol: 'SOLUSDC', windowSize: '1h' }, signed: false },
  { method: 'avgPrice', params: { symbol: 'SOLUSDC' }, signed: false },
  { method: 'order.place', params: order, signed: true },
  {
    method: 'order.place',
    params: { ...order, type: 'MARKET', timeInForce: undefined, price: undefined },
    signed: true,
  },
  { method: 'order.test', params: order, signed: true },
  { method: 'order.status', params: { symbol: 'SOLUSDC', orderId: 1 }, signed: true },
  { method: 'order.cancel', params: { symbol: 'SOLUSDC', origClientOrderId: 'abc' }, signed: true },
  {
    method: 'order.cancelReplace',
    params: { ...order, cancelReplaceMode: 'STOP_ON_FAILURE', cancelOrderId: 1 },
    signed: true,
  },
  {
    method: 'order.amend.keepPriority',
    params: { symbol: 'SOLUSDC', orderId: 1, newQty: '0.5' },
    signed: true,
  },
  { method: 'openOrders.status', params: { symbol: 'SOLUSDC' }, signed: true },
  { method: 'openOrders.cancelAll', params: { symbol: 'SOLUSDC' }, signed: true },
  { method: 'allOrders', params: { symbol: 'SOLUSDC', startTime: 0 }, signed: true },
  { method: 'myTrades', params: { symbol: 'SOLUSDC', fromId: 1 }, signed: true },
  { method: 'account.status', params: { omitZeroBalances: true }, signed: true },
  {
    method: 'orderList.place.oco',
    params: {
      symbol: 'SOLUSDC',
      side: 'SELL',
      quantity: '1',
      aboveType: 'LIMIT_MAKER',
      abovePrice: '200.00',
      belowType: 'STOP_LOSS',
      belowStopPrice: '100.00',
    },
    signed: true,
  },
  { method: 'orderList.status', params: { orderListId: 1 }, signed: true },
  { method: 'orderList.cancel', params: { symbol: 'SOLUSDC', orderListId: 1 }, signed: true },
  { method: 'openOrderLists.status', params: {}, signed: true },
  { method: 'allOrderLists', params: { limit: 5 }, signed: true },
  { method: 'userDataStream.subscribe.signature', params: {}, signed: true },
  { method: 'userDataStream.unsubscribe', params: {}, signed: false },
  { method: 'session.subscriptions', params: {}, signed: false },
];

/** Values no parameter accepts as meaningful, or that once reached PostgreSQL or the engine badly. */
const HOSTILE: readonly Json[] = [
  '\u0000',
  'a\u0000b',
  '9000000000000000',
  '99999999999999999999999',
  '-1',
  '1e3',
  'NaN',
  '0x10',
  '.5',
  '0.000000000000000000001',
  ' 1',
  '%00',
  "'; DROP TABLE accounts; --",
  '\u{1F4A9}',
  '\uFFFF',
  'A'.repeat(3000),
  '__proto__',
  9e15,
  -1,
  1.5,
  1e300,
  true,
  null,
  [],
  ['SOLUSDC', 1],
  {},
  { $ne: 1 },
];

const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 30, unit: 'binary' }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

const STREAMS = ['trades@SOL_USDC', 'solusdc@depth@100ms', 'account', 'solusdc@kline_1m', '!ticker@arr'];

/** One way to spoil a WebSocket API request. */
type Corruption =
  | { readonly kind: 'none' }
  | { readonly kind: 'replace'; readonly index: number; readonly value: Json }
  | { readonly kind: 'drop'; readonly index: number }
  | { readonly kind: 'unknown'; readonly name: string; readonly value: Json }
  | { readonly kind: 'params'; readonly value: Json }
  | { readonly kind: 'id'; readonly value: Json }
  | { readonly kind: 'method'; readonly value: Json }
  | {
      readonly kind: 'signature';
      readonly part: 'apiKey' | 'timestamp' | 'signature' | 'recvWindow';
      readonly value: Json;
    };

const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
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
        fc.constantFrom('__proto__', 'accountId', 'a\u0000', 'returnRateLimits'),
        fc.string({ maxLength: 10 }),
      ),
      value: hostileValue,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('params' as const), value: hostileValue }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('id' as const),
      value: fc.oneof(hostileValue, fc.string({ minLength: 65, maxLength: 80 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('method' as const),
      value: fc.oneof(
        fc.constantFrom(...REST_METHOD_NAMES, ...SESSION_METHOD_NAMES, 'SUBSCRIBE'),
        hostileValue,
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('signature' as const),
      part: fc.constantFrom(
        'apiKey' as const,
        'timestamp' as const,
        'signature' as const,
        'recvWindow' as const,
      ),
      value: hostileValue,
    }),
  },
);

/** One message to send. */
type Frame =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'stream'; readonly method: Json; readonly params: Json; readonly id: Json }
  | {
      readonly kind: 'api';
      readonly template: Template;
      readonly spoil: Corruption;
      readonly signed: boolean;
    };

const frame: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      text: fc.oneof(
        fc.string({ maxLength: 60, unit: 'binary' }),
        fc.json({ maxDepth: 3 }),
        fc.constantFrom(
          '',
          '{',
          'null',
          '[]',
          '{"method":"SUBSCRIBE"',
          '{"method":"order.place","params":',
          '[[[[[[',
        ),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('stream' as const),
      method: fc.oneof(
        fc.constantFrom('SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'subscribe'),
        hostileValue,
      ),
      params: fc.oneof(
        fc.array(fc.oneof(fc.constantFrom(...STREAMS), fc.string({ maxLength: 30 })), { maxLength: 4 }),
        hostileValue,
      ),
      id: fc.oneof(fc.nat(), fc.string({ maxLength: 70 }), hostileValue),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('api' as const),
      template: fc.constantFrom(...TEMPLATES),
      spoil: corruption,
      signed: fc.boolean(),
    }),
  },
);

/** Every Binance code the WebSocket API may answer with. */
const BINANCE_CODES = new Set(
  (Object.keys(ERROR_SPECS) as ErrorCode[]).flatMap((code) => {
    const c = ERROR_SPECS[code].binanceCode;
    return typeof c === 'number' ? [c] : [c({ action: 'cancel' }), c({ action: 'query' })];
  }),
);
/** A cancel-replace that partly or wholly failed (docs/websocket.md): Binance's -2021 and -2022. */
for (const code of [-2021, -2022]) BINANCE_CODES.add(code);
const NATIVE_CODES = new Set(Object.keys(ERROR_SPECS));
/** The stream routes' errors a client may get; `INTERNAL` is a bug and `UNAVAILABLE` an outage, neither expected here. */
const STREAM_ERRORS = new Map(
  Object.entries(WS_ERROR_CODES).filter(([name]) => name !== 'INTERNAL' && name !== 'UNAVAILABLE'),
);

let stack: TradingStack;
let wsApi: WebSocketApi;
let key: TestKey;
const emulatorProblems: unknown[] = [];
let nonce = 0;

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  stack = await startTradingStack();
  wsApi = await startWebSocketApi({ log: (message, error) => emulatorProblems.push({ message, error }) });
  key = await signUp(stack.api, { permissions: ['read', 'trade'] });
}, 120_000);
afterAll(async () => {
  await wsApi?.close();
  await stack?.close();
});

/** A timestamp and a recvWindow no other signature of this file shares. */
function timing(): { timestamp: string; recvWindow: string } {
  return { timestamp: String(Date.now()), recvWindow: String(50_000 + (nonce++ % 10_000)) };
}

/**
 * A parameter's text as the WebSocket API reads it (`api-request.ts`), for signing. An
 * object (which the API refuses before it checks a signature) is signed as its JSON:
 * `String` throws on one such as `{"toString":0}`.
 */
function text(value: Json): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** The `ws-connect:` signature of a `$connect`'s parameters. */
function connectSignature(query: Readonly<Record<string, string>>): string {
  const payload = ['apiKey', 'timestamp', 'recvWindow']
    .filter((name) => query[name] !== undefined)
    .map((name) => `${name}=${encodeURIComponent(query[name] as string)}`)
    .join('&');
  return sign(key.secretKey, `ws-connect:${payload}`);
}

/** The outcome of one upgrade: opened (and closed again), or refused with a status and body. */
async function tryConnect(
  query: string,
): Promise<{ opened: true } | { opened: false; status: number; body: string }> {
  const socket = new WebSocket(`${wsApi.url}${query === '' ? '' : `?${query}`}`);
  const outcome = await new Promise<{ opened: true } | { opened: false; status: number; body: string }>(
    (resolve, reject) => {
      socket.once('open', () => resolve({ opened: true }));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () => resolve({ opened: false, status: response.statusCode ?? 0, body }));
      });
      socket.once('error', reject);
    },
  );
  if (outcome.opened) {
    socket.close();
    await once(socket, 'close');
  }
  return outcome;
}

/** An open connection answering one message at a time. */
class Connection {
  private readonly pending: ((data: string) => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.pending.shift()?.(data.toString()));
  }

  static async open(query: string): Promise<Connection> {
    const socket = new WebSocket(`${wsApi.url}${query === '' ? '' : `?${query}`}`);
    await once(socket, 'open');
    return new Connection(socket);
  }

  /** Sends a text frame; its answer. */
  async send(body: string): Promise<string> {
    if (this.socket.readyState !== WebSocket.OPEN) throw new Error('the connection closed');
    const answer = new Promise<string>((resolve) => this.pending.push(resolve));
    this.socket.send(body);
    return answer;
  }
}

/** The message text of a frame. */
function render(message: Frame): string {
  if (message.kind === 'text') return message.text;
  if (message.kind === 'stream')
    return JSON.stringify({ method: message.method, params: message.params, id: message.id });
  const { template, spoil } = message;
  const entries = Object.entries(template.params).filter(([, v]) => v !== undefined);
  const at = (index: number) => (entries.length === 0 ? -1 : index % entries.length);
  if (spoil.kind === 'replace' && at(spoil.index) >= 0) {
    entries[at(spoil.index)] = [entries[at(spoil.index)]?.[0] as string, spoil.value];
  }
  if (spoil.kind === 'drop' && at(spoil.index) >= 0) entries.splice(at(spoil.index), 1);
  if (spoil.kind === 'unknown') entries.push([spoil.name, spoil.value]);
  let params: Record<string, Json> = Object.fromEntries(entries);
  if (template.signed && message.signed) {
    params = { ...params, apiKey: key.apiKey, ...timing() };
    if (spoil.kind === 'signature') params[spoil.part] = spoil.value;
    const signable = Object.fromEntries(
      Object.entries(params)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, text(v)]),
    );
    const payload = Object.keys(signable)
      .sort()
      .map((name) => `${name}=${signable[name]}`)
      .join('&');
    params.signature =
      spoil.kind === 'signature' && spoil.part === 'signature' ? spoil.value : sign(key.secretKey, payload);
  }
  const request: Record<string, Json> = {
    id: spoil.kind === 'id' ? spoil.value : `fuzz-${nonce++}`,
    method: spoil.kind === 'method' ? spoil.value : template.method,
    params: spoil.kind === 'params' ? spoil.value : params,
  };
  return JSON.stringify(request);
}

/** Why an answer is not acceptable, or undefined when it is. */
function fault(answer: string): string | undefined {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(answer) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  if (typeof parsed.status === 'number') {
    if (parsed.status >= 500) return 'a 5xx';
    if (parsed.status < 400) return undefined;
    const code = (parsed.error as { code?: unknown } | undefined)?.code;
    return BINANCE_CODES.has(code as number) ? undefined : 'an undocumented code';
  }
  if ('result' in parsed && !('error' in parsed)) return undefined;
  const error = parsed.error as { code?: unknown; name?: unknown } | undefined;
  if (error !== undefined && STREAM_ERRORS.get(error.name as string) === error.code) return undefined;
  return 'not an answer of ours';
}

it('opens or refuses every $connect with a documented 4xx, never a 5xx', async () => {
  const pathValue = fc.oneof(
    fc.constantFrom(
      '/ws/solusdc@trade',
      '/ws',
      '/1',
      '/ws-api/v3',
      '/stream?streams=solusdc@trade/btcusdc@depth',
      '/stream?streams=',
      '/stream?streams=solusdc@trade/nope',
      `/ws/${'a'.repeat(64)}`,
      '/ws/solusdc@trade/ethusdc@kline_1m',
      '/ws/account',
      '//',
      '/../ws',
    ),
    fc.string({ maxLength: 40, unit: 'binary' }),
    fc.constantFrom(...HOSTILE).map(text),
  );
  const queryValue = fc.oneof(
    fc.string({ maxLength: 30, unit: 'binary' }),
    fc.constantFrom(...HOSTILE).map(text),
  );
  const connectCase = fc.record({
    path: fc.option(pathValue, { nil: undefined }),
    signing: fc.constantFrom(
      'none',
      'valid',
      'apiKey',
      'timestamp',
      'signature',
      'recvWindow',
      'no signature',
    ),
    spoiled: queryValue,
    // Names of Object.prototype's properties included: a query named `constructor` is a parameter like any other.
    extra: fc.array(
      fc.tuple(
        fc.oneof(
          fc.string({ maxLength: 10 }),
          fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty'),
        ),
        queryValue,
      ),
      {
        maxLength: 2,
      },
    ),
    raw: fc.option(fc.stringMatching(/^[\x21-\x22\x24-\x7e]{0,60}$/), { nil: undefined, freq: 5 }),
  });
  await fc.assert(
    fc.asyncProperty(connectCase, async ({ path, signing, spoiled, extra, raw }) => {
      let query = raw;
      if (query === undefined) {
        const params: Record<string, string> = {};
        if (path !== undefined) params.path = path;
        if (signing !== 'none') {
          Object.assign(params, { apiKey: key.apiKey }, timing());
          if (signing === 'apiKey' || signing === 'timestamp' || signing === 'recvWindow')
            params[signing] = spoiled;
          params.signature = signing === 'signature' ? spoiled : connectSignature(params);
          if (signing === 'no signature') delete params.signature;
        }
        const pairs = [...Object.entries(params), ...extra];
        query = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
      }
      const outcome = await tryConnect(query);
      if (outcome.opened) return;
      let code: unknown;
      try {
        code = (JSON.parse(outcome.body) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      const refusal = {
        query,
        status: outcome.status,
        body: outcome.body,
        is4xx: outcome.status >= 400 && outcome.status < 500,
        documented: NATIVE_CODES.has(code as string),
      };
      expect(refusal).toEqual({ ...refusal, is4xx: true, documented: true });
    }),
    { numRuns: 400 },
  );
  expect(emulatorProblems).toEqual([]);
});

it('answers every corrupted message with a result or a documented error, never a 5xx, and applies nothing', async () => {
  const signedAnswered = { ok: 0, refused: 0 };
  const connectionOpened = { apiKey: key.apiKey, ...timing() };
  const connections = [
    await Connection.open(''),
    await Connection.open(`path=${encodeURIComponent('/ws-api/v3')}`),
    await Connection.open(
      new URLSearchParams({ ...connectionOpened, signature: connectSignature(connectionOpened) }).toString(),
    ),
  ];
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: connections.length - 1 }), frame, async (index, message) => {
      const body = render(message);
      const answer = await (connections[index] as Connection).send(body);
      expect({ body, answer, fault: fault(answer) }).toEqual({ body, answer, fault: undefined });
      if (message.kind === 'api' && message.template.signed && message.signed) {
        const status = (JSON.parse(answer) as { status?: number }).status;
        if (status === 200) signedAnswered.ok += 1;
        else signedAnswered.refused += 1;
      }
    }),
    { numRuns: 3000 },
  );
  // The run reached past the signature check, and was refused there too.
  expect(signedAnswered.ok).toBeGreaterThan(0);
  expect(signedAnswered.refused).toBeGreaterThan(0);
  for (const connection of connections) connection.socket.close();

  // Nothing was applied: the account never had funds, so it rests no order, holds nothing, has one key.
  const open = await call(stack.api, key, 'GET', '/api/v3/openOrders', { symbol: 'SOLUSDC' });
  const { rows } = await stack.db.pool.query(
    `SELECT (SELECT count(*)::int FROM orders WHERE account_id = $1) AS orders,
            (SELECT count(*)::int FROM balance_changes WHERE account_id = $1 AND (available <> 0 OR locked <> 0)) AS balances,
            (SELECT count(*)::int FROM api_keys WHERE account_id = $1) AS keys`,
    [key.accountId],
  );
  expect([open.status, open.body]).toEqual([200, []]);
  expect(rows[0]).toEqual({ orders: 0, balances: 0, keys: 1 });
  expect(stack.problems).toEqual([]);
  expect(emulatorProblems).toEqual([]);
});
