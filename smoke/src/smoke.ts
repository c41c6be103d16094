/**
 * The smoke test of one stage, in order, stopping at the first failure:
 *
 * 1. `GET /health` answers `{"status":"ok"}`;
 * 2. `GET /api/v3/exchangeInfo` lists the symbol (the first one listed by default);
 * 3. `GET /api/v3/depth` answers a book with its `lastUpdateId`;
 * 4. a WebSocket subscription to `<symbol>@depth@100ms` is acknowledged and listed.
 *
 * With a key (`--trade`), through the public API only:
 *
 * 5. the account holds enough quote for the smallest order;
 * 6. a signed WebSocket connection subscribes to `account` and the depth stream;
 * 7. a post-only buy at the lowest price is accepted (`NEW`);
 * 8. the account stream shows it;
 * 9. the depth stream shows its price level;
 * 10. it is cancelled (`CANCELED`), and the account stream shows that too.
 *
 * An order left open by a failure after 7 is cancelled before the test ends.
 */
import { accountUpdateSchema, compareDecimal } from '@exchange/protocol';
import { type OrderFilters, smokeOrder } from './order-size.js';
import { type ApiKey, RestClient, signature } from './rest-client.js';
import { StreamClient } from './stream-client.js';

export interface SmokeOptions {
  /** The REST base URL (`HttpApiUrl`), e.g. `http://127.0.0.1:4000`. */
  readonly api: string;
  /** The WebSocket URL (`WebSocketUrl`), e.g. `ws://127.0.0.1:4001/local`. */
  readonly ws: string;
  /** A Binance symbol (`SOLUSDC`); the first one `exchangeInfo` lists when omitted. */
  readonly symbol?: string;
  /** Trade with this key: one post-only order, cancelled at once. */
  readonly trade?: ApiKey;
  /** How long one call or one awaited frame may take. */
  readonly timeoutMs: number;
}

/** The check that failed and why, in one line. */
export class SmokeFailure extends Error {
  override readonly name = 'SmokeFailure';
  constructor(
    readonly check: string,
    readonly why: string,
  ) {
    super(`${check}: ${why}`);
  }
}

interface SymbolInfo {
  readonly symbol: string;
  readonly status: string;
  readonly quoteAsset: string;
  readonly filters: readonly { filterType: string; [field: string]: unknown }[];
}

type Frame = Record<string, unknown>;

async function check<T>(name: string, report: (line: string) => void, run: () => Promise<[T, string]>) {
  let outcome: [T, string];
  try {
    outcome = await run();
  } catch (error) {
    throw new SmokeFailure(name, error instanceof Error ? error.message : String(error));
  }
  report(`ok   ${name.padEnd(14)} ${outcome[1]}`);
  return outcome[0];
}

function expectThat(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(what);
}

function filtersOf(info: SymbolInfo): OrderFilters {
  const find = (type: string) => {
    const filter = info.filters.find((f) => f.filterType === type);
    if (filter === undefined) throw new Error(`${info.symbol} has no ${type} filter`);
    return filter as Record<string, string>;
  };
  const price = find('PRICE_FILTER');
  const lots = find('LOT_SIZE');
  const notional = info.filters.some((f) => f.filterType === 'NOTIONAL')
    ? find('NOTIONAL')
    : find('MIN_NOTIONAL');
  return {
    tickSize: String(price.tickSize),
    minPrice: String(price.minPrice),
    stepSize: String(lots.stepSize),
    minQty: String(lots.minQty),
    maxQty: String(lots.maxQty),
    minNotional: String(notional.minNotional),
  };
}

/** The account stream's update for `orderId` in `status`, from a native frame. */
function accountOrder(frame: unknown, orderId: number, status: string): boolean {
  const { stream, data } = frame as Frame;
  if (stream !== 'account') return false;
  const update = accountUpdateSchema.safeParse(data);
  return update.success && update.data.orders.some((o) => o.orderId === orderId && o.status === status);
}

/** A Binance depth diff of `symbol` with a bid level at `price`. */
function depthWithBid(frame: unknown, symbol: string, price: string): boolean {
  const { e, s, b } = frame as Frame;
  return (
    e === 'depthUpdate' &&
    s === symbol &&
    Array.isArray(b) &&
    b.some((level) => Array.isArray(level) && compareDecimal(String(level[0]), price) === 0)
  );
}

/**
 * The WebSocket URL signed as the API's `$connect` expects: the HMAC of
 * `ws-connect:apiKey={key}&timestamp={ms}` (its own signing domain, so that it is never a
 * valid REST signature), sent as `apiKey`, `timestamp` and `signature`.
 */
export function signedStreamUrl(ws: string, key: ApiKey, now: number): string {
  const payload = `apiKey=${encodeURIComponent(key.apiKey)}&timestamp=${now}`;
  const url = new URL(ws);
  url.search = `${payload}&signature=${signature(key, `ws-connect:${payload}`)}`;
  return url.toString();
}

/**
 * Runs the smoke test; resolves with the number of checks passed, each reported as one
 * `ok …` line, or rejects with the {@link SmokeFailure} of the first that failed.
 */
export async function runSmoke(options: SmokeOptions, report: (line: string) => void): Promise<number> {
  const rest = new RestClient(options.api, options.timeoutMs);
  let passed = 0;
  const step = async <T>(name: string, run: () => Promise<[T, string]>) => {
    const value = await check(name, report, run);
    passed++;
    return value;
  };

  await step('health', async () => {
    const { body } = await rest.get('/health');
    expectThat((body as Frame)?.status === 'ok', `GET /health answered ${JSON.stringify(body)}`);
    return [undefined, 'GET /health → ok'];
  });

  const info = await step('exchangeInfo', async () => {
    const { body } = await rest.get('/api/v3/exchangeInfo');
    const symbols = (body as { symbols?: SymbolInfo[] }).symbols;
    expectThat(Array.isArray(symbols) && symbols.length > 0, 'exchangeInfo lists no symbol');
    const wanted = options.symbol ?? symbols[0]?.symbol;
    const found = symbols.find((s) => s.symbol === wanted);
    expectThat(found !== undefined, `exchangeInfo does not list ${wanted}`);
    expectThat(found.status === 'TRADING', `${found.symbol} is ${found.status}, not TRADING`);
    return [found, `${symbols.length} symbols, ${found.symbol} trading`];
  });
  const depthStream = `${info.symbol.toLowerCase()}@depth@100ms`;

  await step('depth', async () => {
    const { body } = await rest.get('/api/v3/depth', { symbol: info.symbol, limit: 5 });
    const { lastUpdateId, bids, asks } = body as { lastUpdateId?: unknown; bids?: unknown; asks?: unknown };
    expectThat(Number.isInteger(lastUpdateId), `depth has no lastUpdateId: ${JSON.stringify(body)}`);
    expectThat(Array.isArray(bids) && Array.isArray(asks), 'depth has no bids or asks');
    return [
      undefined,
      `${info.symbol} lastUpdateId ${lastUpdateId}, ${bids.length} bids, ${asks.length} asks`,
    ];
  });

  await step('stream', async () => {
    const stream = await StreamClient.open(options.ws, options.timeoutMs);
    try {
      await stream.request('SUBSCRIBE', [depthStream]);
      const listed = await stream.request('LIST_SUBSCRIPTIONS');
      expectThat(
        Array.isArray(listed) && listed.includes(depthStream),
        `LIST_SUBSCRIPTIONS answered ${JSON.stringify(listed)}`,
      );
      return [undefined, `SUBSCRIBE ${depthStream} acknowledged and listed`];
    } finally {
      stream.close();
    }
  });

  if (options.trade !== undefined)
    passed += await trade(options, options.trade, rest, info, depthStream, report);
  return passed;
}

/** Checks 5–10: one post-only order, cancelled at once, seen on the account and depth streams. */
async function trade(
  options: SmokeOptions,
  key: ApiKey,
  rest: RestClient,
  info: SymbolInfo,
  depthStream: string,
  report: (line: string) => void,
): Promise<number> {
  let passed = 0;
  const step = async <T>(name: string, run: () => Promise<[T, string]>) => {
    const value = await check(name, report, run);
    passed++;
    return value;
  };
  const { symbol } = info;
  const order = await step('account', async () => {
    const order = smokeOrder(filtersOf(info));
    const { body } = await rest.signed(key, 'GET', '/api/v3/account');
    const balances = (body as { balances?: { asset: string; free: string }[] }).balances ?? [];
    const free = balances.find((b) => b.asset === info.quoteAsset)?.free ?? '0';
    expectThat(
      compareDecimal(free, order.notional) >= 0,
      `the key's account holds ${free} ${info.quoteAsset} free; the smoke order needs ${order.notional}`,
    );
    return [order, `${free} ${info.quoteAsset} free`];
  });

  const stream = await step('private stream', async () => {
    const stream = await StreamClient.open(signedStreamUrl(options.ws, key, Date.now()), options.timeoutMs);
    try {
      await stream.request('SUBSCRIBE', ['account', depthStream]);
    } catch (error) {
      stream.close();
      throw error;
    }
    return [stream, `signed connection, SUBSCRIBE account and ${depthStream} acknowledged`];
  });

  const clientOrderId = `smoke-${Date.now()}`;
  let open = false;
  try {
    const orderId = await step('order', async () => {
      open = true; // from here on, whatever happens, the order is cancelled before the end
      const { status, body } = await rest.signed(key, 'POST', '/api/v3/order', {
        symbol,
        side: 'BUY',
        type: 'LIMIT_MAKER',
        price: order.price,
        quantity: order.quantity,
        newClientOrderId: clientOrderId,
        newOrderRespType: 'RESULT',
      });
      const placed = body as { orderId?: number; status?: string; price?: string; origQty?: string };
      expectThat(status === 200, `the engine did not answer in time (${status}: ${JSON.stringify(body)})`);
      expectThat(placed.status === 'NEW', `the order is ${placed.status}, not NEW: ${JSON.stringify(body)}`);
      expectThat(
        compareDecimal(String(placed.price), order.price) === 0 &&
          compareDecimal(String(placed.origQty), order.quantity) === 0,
        `the order is ${placed.origQty} at ${placed.price}, not ${order.quantity} at ${order.price}`,
      );
      return [placed.orderId as number, `LIMIT_MAKER BUY ${order.quantity} ${symbol} at ${order.price}: NEW`];
    });

    await step('account stream', async () => {
      await stream.waitFor(`account update with order ${orderId} NEW`, (f) =>
        accountOrder(f, orderId, 'NEW'),
      );
      return [undefined, `order ${orderId} NEW`];
    });

    await step('depth stream', async () => {
      await stream.waitFor(`${depthStream} diff with a bid at ${order.price}`, (f) =>
        depthWithBid(f, symbol, order.price),
      );
      return [undefined, `bid level ${order.price} in a depthUpdate`];
    });

    await step('cancel', async () => {
      const { status, body } = await rest.signed(key, 'DELETE', '/api/v3/order', { symbol, orderId });
      const cancelled = body as { status?: string };
      expectThat(status === 200, `the engine did not answer in time (${status}: ${JSON.stringify(body)})`);
      expectThat(cancelled.status === 'CANCELED', `the cancel answered ${JSON.stringify(body)}`);
      open = false;
      await stream.waitFor(`account update with order ${orderId} CANCELED`, (f) =>
        accountOrder(f, orderId, 'CANCELED'),
      );
      return [undefined, `order ${orderId} CANCELED, seen on the account stream`];
    });
  } finally {
    stream.close();
    if (open)
      await rest
        .signed(key, 'DELETE', '/api/v3/order', { symbol, origClientOrderId: clientOrderId })
        .then(() => report(`     cleanup        order ${clientOrderId} cancelled`))
        .catch((error: unknown) =>
          report(`     cleanup        could not cancel ${clientOrderId}: ${(error as Error).message}`),
        );
  }
  return passed;
}
