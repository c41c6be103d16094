/**
 * The whole exchange end to end, started the way `npm start` starts it (on free ports,
 * its own database and Redis prefix), used the way a client uses it: sign up, fund,
 * trade through `/api/v1` and `/api/v3`, read history after the DB processor ran, and
 * reconcile balances between the engine (REST, from its Redis read models) and the
 * ledger (PostgreSQL). Then the engine is restarted mid-trading: nothing is lost.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Credentials, type ExchangeClient, readConfig, startBots } from '@exchange/market-maker';
import pg from 'pg';
import type { RunningExchange } from '../../src/exchange/exchange.js';
import { startTestExchange, type TestExchange } from './test-exchange.js';

let stack: TestExchange;
let exchange: RunningExchange;
let client: ExchangeClient;
let output: string[];
let prefix: string;

beforeAll(async () => {
  stack = await startTestExchange('end-to-end');
  ({ exchange, client, output, prefix } = stack);
}, 120_000);

afterAll(async () => {
  await stack?.close();
}, 120_000);

async function signUp(label: string): Promise<Credentials> {
  return (await client.json('POST', '/api/v1/accounts', { label })) as Credentials;
}

async function credit(who: Credentials, asset: string, amount: string): Promise<void> {
  await client.json('POST', '/api/v1/onramp', { asset, amount }, who);
}

/** Polls `read` until `done` holds (the DB processor writes a moment after the reply). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value)) return value;
    if (attempt > 300)
      throw new Error(`never reached: ${JSON.stringify(value)}\n${output.slice(-30).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Balance = { asset: string; available: string; locked: string };

async function apiBalances(who: Credentials): Promise<Balance[]> {
  return ((await client.signed(who, 'GET', '/api/v1/balances')) as { balances: Balance[] }).balances;
}

/** Balances rebuilt from the ledger in PostgreSQL: Σ deltas per asset, printed on the asset's scale. */
async function ledgerBalances(pool: pg.Pool, accountId: string): Promise<Map<string, [string, string]>> {
  const { rows } = await pool.query<{ asset: string; available: string; locked: string }>(
    `SELECT asset, sum(available_delta)::text AS available, sum(locked_delta)::text AS locked
     FROM balance_changes WHERE account_id = $1 GROUP BY asset`,
    [accountId],
  );
  return new Map(rows.map((r) => [r.asset, [r.available, r.locked]]));
}

/** `a < b` for two decimal strings, exactly. */
function decimalLess(a: string, b: string): boolean {
  const scale = Math.max((a.split('.')[1] ?? '').length, (b.split('.')[1] ?? '').length);
  const scaled = (v: string) => {
    const [whole = '0', fraction = ''] = v.split('.');
    return BigInt(whole + fraction.padEnd(scale, '0'));
  };
  return scaled(a) < scaled(b);
}

/** Exact comparison of two decimal strings ("1.50" = "1.5"). */
function sameDecimal(a: string, b: string): boolean {
  const norm = (v: string) => {
    const [whole = '0', fraction = ''] = v.split('.');
    const f = fraction.replace(/0+$/, '');
    return `${BigInt(whole)}${f === '' ? '' : `.${f}`}`;
  };
  return norm(a) === norm(b);
}

describe('the exchange, end to end', () => {
  it('trades between two accounts through both faces, and history and ledger agree with the engine', async () => {
    // Prepare: two accounts, funded through the on-ramp
    const alice = await signUp('alice');
    const bob = await signUp('bob');
    await credit(alice, 'USDC', '10000');
    await credit(bob, 'SOL', '100');

    // Act: alice bids through /api/v1, bob sells into it through /api/v3 (limit, then market)
    const bid = (await client.json(
      'POST',
      '/api/v1/order',
      {
        market: 'SOL_USDC',
        side: 'BUY',
        type: 'LIMIT',
        price: '100.00',
        quantity: '2',
        clientOrderId: 'alice-1',
      },
      alice,
    )) as { order: { status: string; orderId: number } };
    const limitSell = (await client.signed(bob, 'POST', '/api/v3/order', {
      symbol: 'SOLUSDC',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: '100.00',
      quantity: '1.5',
      newOrderRespType: 'FULL',
    })) as { status: string; fills: { price: string; qty: string }[] };
    const marketSell = (await client.signed(bob, 'POST', '/api/v3/order', {
      symbol: 'SOLUSDC',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.5',
    })) as { status: string; executedQty: string };

    // Assess: the engine's answers
    expect(bid.order.status).toBe('NEW');
    expect(limitSell.status).toBe('FILLED');
    expect(limitSell.fills).toEqual([expect.objectContaining({ price: '100.00', qty: '1.500' })]);
    expect(marketSell).toMatchObject({ status: 'FILLED', executedQty: '0.500' });

    // history, once the DB processor has written it
    const trades = await eventually(
      async () => (await client.public('GET', '/api/v3/trades', { symbol: 'SOLUSDC' })) as { qty: string }[],
      (list) => list.length >= 2,
    );
    expect(trades.map((t) => t.qty).sort()).toEqual(['0.500', '1.500']);
    const klines = (await client.public('GET', '/api/v3/klines', {
      symbol: 'SOLUSDC',
      interval: '1m',
    })) as string[][];
    const volume = klines.reduce((sum, k) => sum + BigInt((k[5] as string).replace('.', '')), 0n);
    expect(volume).toBe(2000n); // 2.000 SOL in lots of 0.001
    const aliceOrder = (await client.signed(alice, 'GET', '/api/v1/order', {
      market: 'SOL_USDC',
      clientOrderId: 'alice-1',
    })) as { order: { status: string; filledQuantity: string } };
    expect(aliceOrder.order).toMatchObject({ status: 'FILLED', filledQuantity: '2.000' });
    const bobTrades = (await client.signed(bob, 'GET', '/api/v3/myTrades', {
      symbol: 'SOLUSDC',
    })) as unknown[];
    expect(bobTrades).toHaveLength(2);

    // balances: the engine (REST) and the ledger (PostgreSQL) agree to the last unit
    const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
    try {
      for (const who of [alice, bob]) {
        const fromApi = await apiBalances(who);
        const ledger = await eventually(
          () => ledgerBalances(pool, who.accountId),
          (rows) =>
            fromApi
              .filter((b) => !sameDecimal(b.available, '0') || !sameDecimal(b.locked, '0'))
              .every((b) => {
                const row = rows.get(b.asset);
                return row !== undefined && sameDecimal(row[0], b.available) && sameDecimal(row[1], b.locked);
              }),
        );
        expect(ledger.size).toBeGreaterThan(0);
      }
      // alice paid exactly 200 USDC (fees are taken from what each side receives)
      const aliceBalances = await apiBalances(alice);
      expect(aliceBalances.find((b) => b.asset === 'USDC')).toMatchObject({
        available: '9800.000000',
        locked: '0.000000',
      });
    } finally {
      await pool.end();
    }
  }, 120_000);

  it('loses nothing when the engine restarts in the middle of trading', async () => {
    // Prepare
    const carol = await signUp('carol');
    const dave = await signUp('dave');
    await credit(carol, 'USDC', '100000');
    await credit(dave, 'SOL', '1000');
    const sent: string[] = [];
    const place = async (who: Credentials, side: 'BUY' | 'SELL', i: number) => {
      const id = `${side === 'BUY' ? 'c' : 'd'}-${i}`;
      sent.push(id);
      await client.signed(who, 'POST', '/api/v3/order', {
        symbol: 'ETHUSDC',
        side,
        type: 'LIMIT',
        timeInForce: 'GTC',
        price: side === 'BUY' ? '2000.00' : '2000.00',
        quantity: '0.0100',
        newClientOrderId: id,
        newOrderRespType: 'ACK',
      });
    };
    await credit(dave, 'ETH', '10');

    // Act: two streams of crossing orders; the engine is restarted while they flow
    const flows = [0, 1].map(async (lane) => {
      for (let i = 0; i < 60; i++) await place(lane === 0 ? carol : dave, lane === 0 ? 'BUY' : 'SELL', i);
    });
    await eventually(
      async () => sent.length,
      (n) => n >= 30,
    );
    await exchange.restartEngine();
    await Promise.all(flows);

    // Assess: every order the API accepted was applied exactly once
    for (const id of sent) {
      const who = id.startsWith('c') ? carol : dave;
      const order = await eventually(
        async () => {
          try {
            return (await client.signed(who, 'GET', '/api/v3/order', {
              symbol: 'ETHUSDC',
              origClientOrderId: id,
            })) as {
              status: string;
            };
          } catch {
            return undefined;
          }
        },
        (o) => o !== undefined,
      );
      expect(order?.status).toMatch(/FILLED|NEW|PARTIALLY_FILLED/);
    }
    const carolFills = (await client.signed(carol, 'GET', '/api/v3/myTrades', { symbol: 'ETHUSDC' })) as {
      qty: string;
    }[];
    const bought = carolFills.reduce((sum, f) => sum + BigInt(f.qty.replace('.', '')), 0n);
    // 60 buys and 60 sells of 0.0100 ETH at one price: all 0.6000 ETH traded, once
    expect(bought).toBe(6000n);
  }, 240_000);

  it('runs market makers that keep a two-sided book, trade, and resume their ladder after a restart', async () => {
    // Prepare: the bots in BTCUSDC only, fast refresh, a busy taker
    const config = readConfig({
      API_URL: exchange.urls.rest,
      MM_MARKETS: 'BTCUSDC',
      MM_LEVELS: '4',
      MM_REFRESH_MS: '100',
      TAKER_ORDERS_PER_MINUTE: '600',
      MM_SEED: '42',
      MM_STATE_FILE: join(tmpdir(), `${prefix.replace(/:/g, '')}-bots.json`),
    });
    type Depth = { bids: [string, string][]; asks: [string, string][] };
    const depth = () => client.public('GET', '/api/v3/depth', { symbol: 'BTCUSDC' }) as Promise<Depth>;
    const twoSided = (d: Depth) => d.bids.length === 4 && d.asks.length === 4;

    // Act: run, stop, run again
    const first = await startBots(config, () => {});
    const book = await eventually(depth, twoSided);
    await eventually(
      async () => (await client.public('GET', '/api/v3/trades', { symbol: 'BTCUSDC' })) as unknown[],
      (trades) => trades.length >= 3,
    );
    await first.stop();
    const second = await startBots({ ...config, takerOrdersPerMinute: 0 }, () => {});
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await second.stop();
    const after = await eventually(depth, twoSided);

    // Assess: never crossed, and the restarted quoter did not double its ladder
    expect(decimalLess(book.bids[0]?.[0] ?? '', book.asks[0]?.[0] ?? '')).toBe(true);
    expect(decimalLess(after.bids[0]?.[0] ?? '', after.asks[0]?.[0] ?? '')).toBe(true);
    const saved = JSON.parse(readFileSync(config.stateFile, 'utf8')) as Record<
      string,
      Record<string, Credentials>
    >;
    const quoter = saved[config.apiUrl]?.['quoter-BTCUSDC'] as Credentials;
    const open = (await client.signed(quoter, 'GET', '/api/v3/openOrders', {
      symbol: 'BTCUSDC',
    })) as unknown[];
    expect(open).toHaveLength(8);
  }, 120_000);
});
