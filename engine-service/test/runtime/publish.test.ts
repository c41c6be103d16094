/**
 * Integration tests of the publishers: a real engine's batch published to a real
 * Redis (read back by GET and by a subscribed second connection) and to `events.fifo`
 * on a real fauxqs (received back). Names carry a per-run prefix, so runs sharing one
 * Redis never see each other's keys or messages.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ensureRedis, type RunningService } from '@exchange/local-services';
import { createSqsClient, type LocalSqs, startLocalSqs } from '@exchange/localstack';
import {
  accountUpdateSchema,
  type BalancesReadModel,
  balancesReadModelOf,
  balancesReadModelSchema,
  bookTickerReadModelOf,
  bookTickerReadModelSchema,
  createMarketRegistry,
  type DepthReadModel,
  depthDiffSchema,
  depthReadModelOf,
  depthReadModelSchema,
  EVENTS_QUEUE,
  eventSchema,
  formatOnGrid,
  formatUnits,
  isRejection,
  type OpenOrdersReadModel,
  type OrderEvent,
  openOrdersReadModelOf,
  openOrdersReadModelSchema,
  publicTradeSchema,
  publicTradesOf,
  type RedisKeys,
  redisKeys,
  replySchema,
  tickerReadModelOf,
  tickerReadModelSchema,
  toEngineCommand,
  toWireEvent,
  WS_SUBSCRIBE_LUA,
  WS_UNSUBSCRIBE_LUA,
  wsKeys,
} from '@exchange/protocol';
import { sdkQueueClient } from '@exchange/sqs-client/sdk';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { Engine } from '../../src/core/index.js';
import {
  type BatchSender,
  EventsQueuePublisher,
  eventsMessagesOf,
  type JournaledCommand,
  RedisPublisher,
} from '../../src/runtime/publish/index.js';

const T0 = 1_700_000_000_000;
const registry = createMarketRegistry();
/** The inbox every test command names for its reply. */
const INBOX = 'inbox-1';

/**
 * An engine driven with wire commands, as the consumer drives it. Sequences start
 * after `seq`: one engine's sequences never repeat, and tests sharing a queue must
 * not repeat them either (fauxqs deduplicates queue-wide).
 */
class Driver {
  readonly engine = new Engine(registry);

  constructor(private seq = 0) {}

  run(wire: Record<string, unknown> & { accountId: string }): JournaledCommand {
    this.seq++;
    const requestId = `req-${this.seq}`;
    const command = toEngineCommand({ requestId, ...wire }, registry);
    if (isRejection(command)) throw new Error(`test command refused: ${command.message}`);
    return {
      requestId,
      accountId: wire.accountId,
      result: this.engine.execute(command, this.seq, T0 + this.seq),
      replyTo: INBOX,
    };
  }

  /** A GTC limit order on SOL_USDC. */
  limit(accountId: string, side: string, price: string, quantity: string): JournaledCommand {
    return this.run({
      type: 'CREATE_ORDER',
      accountId,
      market: 'SOL_USDC',
      side,
      orderType: 'LIMIT',
      price,
      quantity,
    });
  }
}

/** Deposits, a resting sell, a crossing buy that fills against it, and a rejected buy. */
function tradingBatch(driver: Driver): JournaledCommand[] {
  return [
    driver.run({ type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: '1000' }),
    driver.run({ type: 'DEPOSIT', accountId: 'bob', asset: 'SOL', amount: '10' }),
    driver.run({
      type: 'CREATE_ORDER',
      accountId: 'bob',
      market: 'SOL_USDC',
      side: 'SELL',
      orderType: 'LIMIT',
      price: '100',
      quantity: '2',
    }),
    driver.run({
      type: 'CREATE_ORDER',
      accountId: 'alice',
      market: 'SOL_USDC',
      side: 'BUY',
      orderType: 'LIMIT',
      price: '101',
      quantity: '1',
    }),
    driver.run({
      type: 'CREATE_ORDER',
      accountId: 'alice',
      market: 'SOL_USDC',
      side: 'BUY',
      orderType: 'LIMIT',
      price: '100',
      quantity: '100',
    }),
  ];
}

describe('RedisPublisher (real Redis)', () => {
  let service: RunningService;
  let redis: Redis;
  let subscriber: Redis;
  let keys: RedisKeys;
  let base: string;
  const messages: { channel: string; message: string }[] = [];
  let arrived: () => void = () => {};

  /** Resolves once a message matching `predicate` has arrived; Jest's timeout bounds the wait. */
  function waitFor(predicate: (m: { channel: string; message: string }) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (messages.some(predicate)) resolve();
        else arrived = check;
      };
      check();
    });
  }

  async function depthModel(market: string): Promise<DepthReadModel> {
    return depthReadModelSchema.parse(depthReadModelOf(market, await redis.hgetall(keys.depth(market))));
  }
  async function tickerModel(market: string) {
    const json = await redis.get(keys.ticker(market));
    if (json === null) throw new Error(`no ticker for ${market}`);
    return tickerReadModelSchema.parse(tickerReadModelOf(market, json));
  }
  async function bookTickerModel(market: string) {
    const json = await redis.get(keys.bookTicker(market));
    if (json === null) throw new Error(`no book ticker for ${market}`);
    return bookTickerReadModelSchema.parse(bookTickerReadModelOf(market, json));
  }

  /** Subscribes a new connection to accounts' private streams, as the SUBSCRIBE route does. */
  let connections = 0;
  async function subscribe(...accountIds: string[]): Promise<string> {
    const ws = wsKeys(keys.prefix);
    const id = `conn-${++connections}`;
    await redis.hset(ws.connection(id), 'connectedAt', Date.now());
    await redis.pexpire(ws.connection(id), 60_000);
    const streams = accountIds.map((a) => `account@${a}`);
    await redis.eval(WS_SUBSCRIBE_LUA, 2, ws.subscriptions(id), ws.connection(id), ws.prefix, id, ...streams);
    return id;
  }
  async function unsubscribe(connectionId: string, ...accountIds: string[]): Promise<void> {
    const ws = wsKeys(keys.prefix);
    const streams = accountIds.map((a) => `account@${a}`);
    await redis.eval(
      WS_UNSUBSCRIBE_LUA,
      1,
      ws.subscriptions(connectionId),
      ws.prefix,
      connectionId,
      ...streams,
    );
  }

  /** The replies to these request ids published on the test inbox. */
  function repliesTo(requestId: string) {
    return on(keys.replies(INBOX), replySchema).filter((r) => r.requestId === requestId);
  }

  async function balancesModel(accountId: string): Promise<BalancesReadModel> {
    const hash = await redis.hgetall(keys.balances(accountId));
    return balancesReadModelSchema.parse(balancesReadModelOf(accountId, registry.assets, hash));
  }
  async function ordersModel(accountId: string): Promise<OpenOrdersReadModel> {
    const hash = await redis.hgetall(keys.orders(accountId));
    return openOrdersReadModelSchema.parse(openOrdersReadModelOf(accountId, hash));
  }

  function on<T>(channel: string, schema: z.ZodType<T>): T[] {
    return messages.filter((m) => m.channel === channel).map((m) => schema.parse(JSON.parse(m.message)));
  }

  beforeAll(async () => {
    service = await ensureRedis();
    redis = new Redis(service.url);
    subscriber = new Redis(service.url);
    base = `test-publish-${process.pid}-${Date.now()}:`;
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      messages.push({ channel, message });
      arrived();
    });
    await subscriber.psubscribe(`${base}*`);
  });

  afterAll(async () => {
    const written = await redis.keys(`${base}*`);
    if (written.length > 0) await redis.del(...written);
    subscriber.disconnect();
    redis.disconnect();
    await service.stop();
  });

  // Each test starts from an empty Redis of its own, as an engine does after its rebuild.
  let tests = 0;
  beforeEach(() => {
    keys = redisKeys(`${base}${++tests}:`);
    messages.length = 0;
  });

  it('publishes replies, read models with seq, market data and account updates from one batch', async () => {
    // Prepare
    const driver = new Driver();
    const batch = tradingBatch(driver);
    const publisher = new RedisPublisher({ redis, engine: driver.engine, keys });
    await subscribe('alice', 'bob', driver.engine.feeAccountId);

    // Act
    await publisher.publish(batch);
    await waitFor((m) => m.channel === keys.accountChannel('alice') && m.message.includes('"seq":4'));

    // Assess: replies, on the inbox the commands named
    const [buy] = repliesTo('req-4');
    expect(buy).toMatchObject({ ok: true, seq: 4 });
    expect(buy?.ok === true && buy.fills).toEqual([
      expect.objectContaining({ price: '100.00', quantity: '1.000', side: 'BUY', isMaker: false }),
    ]);
    expect(repliesTo('req-5')).toEqual([
      expect.objectContaining({ ok: false, seq: 5, code: 'INSUFFICIENT_FUNDS' }),
    ]);
    expect(on(keys.replies(INBOX), replySchema).map((r) => r.requestId)).toEqual(
      batch.map((c) => c.requestId),
    );

    // Assess: read models, each at the batch's last sequence
    const depth = await depthModel('SOL_USDC');
    expect(depth).toEqual({
      market: 'SOL_USDC',
      seq: 5,
      lastUpdateId: 2,
      bids: [],
      asks: [['100.00', '1.000']],
    });
    const aliceBalances = await balancesModel('alice');
    expect(aliceBalances.seq).toBe(5);
    expect(aliceBalances.balances).toEqual(
      expect.arrayContaining([
        { asset: 'USDC', available: '900.000000', locked: '0.000000' },
        { asset: 'SOL', available: '0.99800000', locked: '0.00000000' },
      ]),
    );
    const bobOrders = await ordersModel('bob');
    expect(bobOrders.seq).toBe(5);
    expect(bobOrders.orders).toEqual([
      expect.objectContaining({ orderId: 3, status: 'PARTIALLY_FILLED', filledQuantity: '1.000' }),
    ]);
    expect(await ordersModel('alice')).toEqual({
      accountId: 'alice',
      seq: 5,
      orders: [],
    });
    expect(await bookTickerModel('SOL_USDC')).toEqual({
      market: 'SOL_USDC',
      seq: 5,
      updateId: 2,
      bidPrice: null,
      bidQty: null,
      askPrice: '100.00',
      askQty: '1.000',
    });
    expect(await tickerModel('SOL_USDC')).toMatchObject({
      seq: 5,
      count: 1,
      openPrice: '100.00',
      lastPrice: '100.00',
      volume: '1.000',
      quoteVolume: '100.000000',
      closeTime: T0 + 5,
    });

    // Assess: market data, one message per market and batch
    const tradeMessages = messages.filter((m) => m.channel === keys.marketChannel('trades', 'SOL_USDC'));
    expect(tradeMessages).toHaveLength(1);
    const trades = tradeMessages
      .flatMap((m) => publicTradesOf('SOL_USDC', m.message))
      .map((t) => publicTradeSchema.parse(t));
    expect(trades).toEqual([
      {
        type: 'TRADE',
        seq: 4,
        time: T0 + 4,
        market: 'SOL_USDC',
        tradeId: 1,
        price: '100.00',
        quantity: '1.000',
        quoteQuantity: '100.000000',
        takerSide: 'BUY',
      },
    ]);
    expect(tradeMessages[0]?.message).not.toContain('alice');
    // the sell's level and the buy's fill of it, merged: the newest quantity, both update ids
    const diffs = on(keys.marketChannel('depth', 'SOL_USDC'), depthDiffSchema);
    expect(diffs).toEqual([
      { firstUpdateId: 1, lastUpdateId: 2, seq: 4, time: T0 + 4, bids: [], asks: [['100.00', '1.000']] },
    ]);
    const bookTickers = messages.filter((m) => m.channel === keys.marketChannel('bookTicker', 'SOL_USDC'));
    expect(bookTickers.map((m) => bookTickerReadModelOf('SOL_USDC', m.message))).toEqual([
      await bookTickerModel('SOL_USDC'),
    ]);

    // Assess: the maker hears of its fill on its private channel
    const bobUpdates = on(keys.accountChannel('bob'), accountUpdateSchema);
    expect(bobUpdates.map((u) => u.seq)).toEqual([2, 3, 4]);
    expect(bobUpdates[2]?.fills).toEqual([
      expect.objectContaining({ side: 'SELL', isMaker: true, fee: '0.100000' }),
    ]);
    expect(on(keys.accountChannel('alice'), accountUpdateSchema).map((u) => u.seq)).toEqual([1, 4]);
    // The fee account, the exchange's own, has no stream; its balances are kept
    expect(on(keys.accountChannel(driver.engine.feeAccountId), accountUpdateSchema)).toEqual([]);
    expect((await balancesModel(driver.engine.feeAccountId)).balances).toContainEqual({
      asset: 'USDC',
      available: '0.100000',
      locked: '0.000000',
    });

    // Assess: order — replies, market data, tickers, then the account updates
    const channels = messages.map((m) => m.channel).filter((c) => !c.startsWith(`${keys.prefix}ws:`));
    expect(channels.filter((c) => !c.startsWith(keys.accountChannel('')))).toEqual([
      ...batch.map(() => keys.replies(INBOX)),
      keys.marketChannel('trades', 'SOL_USDC'),
      keys.marketChannel('depth', 'SOL_USDC'),
      keys.marketChannel('bookTicker', 'SOL_USDC'),
      keys.marketChannel('ticker', 'SOL_USDC'),
    ]);
    const firstUpdate = channels.findIndex((c) => c.startsWith(keys.accountChannel('')));
    expect(firstUpdate).toBe(channels.lastIndexOf(keys.marketChannel('ticker', 'SOL_USDC')) + 1);
  });

  it('publishes an account update only while the account has a subscriber, one subscribed before the batch was sent included', async () => {
    // Prepare: a batch built before anyone listens, as the engine builds it before its journal commit
    const driver = new Driver(5000);
    const publisher = new RedisPublisher({ redis, engine: driver.engine, keys });
    await publisher.publish([driver.run({ type: 'DEPOSIT', accountId: 'yan', asset: 'USDC', amount: '5' })]);
    const prepared = publisher.prepare([
      driver.run({ type: 'DEPOSIT', accountId: 'yan', asset: 'USDC', amount: '6' }),
    ]);

    // Act: the subscription is acknowledged, then the batch goes out; then it ends
    const connection = await subscribe('yan');
    await RedisPublisher.send([prepared]);
    await waitFor((m) => m.channel === keys.accountChannel('yan'));
    await unsubscribe(connection, 'yan');
    await publisher.publish([driver.run({ type: 'DEPOSIT', accountId: 'yan', asset: 'USDC', amount: '7' })]);
    await waitFor((m) => m.channel === keys.replies(INBOX) && m.message.includes('"seq":5003'));

    // Assess: only the update sent while subscribed, and every reply
    expect(on(keys.accountChannel('yan'), accountUpdateSchema).map((u) => u.seq)).toEqual([5002]);
    expect(on(keys.replies(INBOX), replySchema).map((r) => r.seq)).toEqual([5001, 5002, 5003]);
  });

  it('publishes no reply for a command that names no inbox, and an extra reply to the inbox it names', async () => {
    // Prepare
    const driver = new Driver(6000);
    const publisher = new RedisPublisher({ redis, engine: driver.engine, keys });
    const { replyTo: _, ...silent } = driver.run({
      type: 'DEPOSIT',
      accountId: 'zed',
      asset: 'USDC',
      amount: '1',
    });
    const refused = {
      ok: false as const,
      requestId: 'req-x',
      seq: 6002,
      time: T0,
      code: 'INVALID_COMMAND' as const,
      message: 'x',
    };

    // Act
    await publisher.publish(
      [silent],
      [{ reply: refused, replyTo: 'inbox-2' }, { reply: { ...refused, requestId: 'req-y' } }],
    );
    await waitFor((m) => m.channel === keys.replies('inbox-2'));

    // Assess
    expect(messages.map((m) => [m.channel, JSON.parse(m.message).requestId])).toEqual([
      [keys.replies('inbox-2'), 'req-x'],
    ]);
  });

  it('rewrites only the read models a batch touched', async () => {
    // Prepare
    const driver = new Driver();
    const publisher = new RedisPublisher({ redis, engine: driver.engine, keys });
    await publisher.publish(tradingBatch(driver));
    await waitFor((m) => m.channel === keys.marketChannel('ticker', 'SOL_USDC'));
    await waitFor((m) => m.channel === keys.replies(INBOX) && m.message.includes('"seq":5'));
    messages.length = 0;

    // Act
    const deposit = driver.run({ type: 'DEPOSIT', accountId: 'carol', asset: 'BTC', amount: '1.5' });
    await publisher.publish([deposit]);
    await waitFor((m) => m.channel === keys.replies(INBOX));

    // Assess: carol has no subscriber, so her reply is all that is published
    expect((await balancesModel('carol')).seq).toBe(6);
    expect((await depthModel('SOL_USDC')).seq).toBe(5);
    expect((await balancesModel('alice')).seq).toBe(5);
    expect((await tickerModel('SOL_USDC')).seq).toBe(5);
    expect(messages.map((m) => m.channel)).toEqual([keys.replies(INBOX)]);
  });

  it('writes the depth read model as the engine stands after each batch, levels changing, appearing and going', async () => {
    // Prepare: makers at a handful of prices, then batches that add, fill and cancel
    const driver = new Driver(900);
    const publisher = new RedisPublisher({ redis, engine: driver.engine, keys, depthLevels: 5 });
    const market = registry.market('SOL_USDC') as NonNullable<ReturnType<typeof registry.market>>;
    const expected = (): DepthReadModel => {
      const depth = driver.engine.depth('SOL_USDC', 5);
      const level = ([p, q]: [number, number]): [string, string] => [
        formatOnGrid(p, market.tick),
        formatOnGrid(q, market.step),
      ];
      return {
        market: 'SOL_USDC',
        seq: 0,
        lastUpdateId: depth?.lastUpdateId ?? 0,
        bids: depth?.bids.map(level) ?? [],
        asks: depth?.asks.map(level) ?? [],
      };
    };
    const order = driver.limit.bind(driver);
    await publisher.publish([
      driver.run({ type: 'DEPOSIT', accountId: 'mia', asset: 'SOL', amount: '100' }),
      driver.run({ type: 'DEPOSIT', accountId: 'noa', asset: 'USDC', amount: '100000' }),
    ]);
    // Each batch runs on the engine only when its turn comes
    const batches: (() => JournaledCommand[])[] = [
      // seven asks and bids: the read model holds the best five of each
      () => ['101', '102', '103', '104', '105', '106', '107'].map((p) => order('mia', 'SELL', p, '1')),
      () => ['99', '98', '97', '96', '95', '94', '93'].map((p) => order('noa', 'BUY', p, '2')),
      // a level grows, one is taken (so 106.00 comes into the five), one is partly taken
      () => [
        order('mia', 'SELL', '102', '3'),
        order('noa', 'BUY', '101', '1'),
        order('noa', 'BUY', '102', '0.5'),
      ],
      // a whole side goes
      () => [driver.run({ type: 'CANCEL_ALL', accountId: 'noa', market: 'SOL_USDC' })],
    ];
    const written: DepthReadModel[] = [];
    const wanted: DepthReadModel[] = [];

    // Act
    for (const next of batches) {
      const batch = next();
      await publisher.publish(batch);
      written.push(await depthModel('SOL_USDC'));
      wanted.push({ ...expected(), seq: batch.at(-1)?.result.seq ?? 0 });
    }

    // Assess
    expect(written).toEqual(wanted);
    expect(written[1]?.bids.map(([p]) => p)).toEqual(['99.00', '98.00', '97.00', '96.00', '95.00']);
    expect(written[2]?.asks.map(([p]) => p)).toEqual(['102.00', '103.00', '104.00', '105.00', '106.00']);
    expect(written[2]?.asks[0]).toEqual(['102.00', '3.500']);
    expect(written[3]?.bids).toEqual([]);
  });

  /** An account's balances and open orders as the engine holds them, in the API's view. */
  function accountState(engine: Engine, accountId: string, seqs: { balances: number; orders: number }) {
    return {
      balances: {
        accountId,
        seq: seqs.balances,
        balances: registry.assets.map((asset) => {
          const b = engine.balance(accountId, asset.symbol);
          return {
            asset: asset.symbol,
            available: formatUnits(b.available, asset.decimals),
            locked: formatUnits(b.locked, asset.decimals),
          };
        }),
      },
      orders: {
        accountId,
        seq: seqs.orders,
        orders: engine.openOrders(accountId).map((order) => {
          // its latest ORDER event without the sequence: `time` is when it last changed
          const {
            type: _t,
            seq: _s,
            ...open
          } = toWireEvent(order, 1, order.updatedAt, registry) as OrderEvent;
          return open;
        }),
      },
    };
  }

  it('keeps each account hash equal to the engine, writing only the orders and assets a batch changed', async () => {
    // Prepare: orders placed, partly and fully filled, placed and filled in one batch, cancelled
    const driver = new Driver(1900);
    const publisher = new RedisPublisher({ redis, engine: driver.engine, keys });
    const order = driver.limit.bind(driver);
    const batches: (() => JournaledCommand[])[] = [
      () => [
        driver.run({ type: 'DEPOSIT', accountId: 'uma', asset: 'SOL', amount: '100' }),
        driver.run({ type: 'DEPOSIT', accountId: 'vic', asset: 'USDC', amount: '100000' }),
        driver.run({ type: 'DEPOSIT', accountId: 'vic', asset: 'BTC', amount: '1' }),
      ],
      () => ['101', '102', '103'].map((p) => order('uma', 'SELL', p, '2')),
      () => [order('vic', 'BUY', '90', '1'), order('vic', 'BUY', '101', '1')], // one rests, one fills part
      () => [order('uma', 'SELL', '104', '1'), order('vic', 'BUY', '104', '1')], // placed and filled at once
      () => [order('vic', 'BUY', '102', '2')], // takes what is left at 101 and part of 102
      () => [driver.run({ type: 'CANCEL_ALL', accountId: 'uma', market: 'SOL_USDC' })],
    ];
    const written: unknown[] = [];
    const wanted: unknown[] = [];
    const fieldCounts: number[] = [];
    // Each hash reflects the last batch that changed one of its entries
    const seqs = new Map([
      ['uma', { balances: 0, orders: 0 }],
      ['vic', { balances: 0, orders: 0 }],
    ]);

    // Act
    for (const next of batches) {
      const batch = next();
      await publisher.publish(batch);
      const seq = batch.at(-1)?.result.seq ?? 0;
      for (const [accountId, last] of seqs) {
        for (const { result } of batch) {
          for (const e of result.events) {
            if (e.type === 'BALANCE' && e.accountId === accountId) last.balances = seq;
            if (e.type === 'ORDER' && e.accountId === accountId) last.orders = seq;
          }
        }
        written.push({ balances: await balancesModel(accountId), orders: await ordersModel(accountId) });
        wanted.push(accountState(driver.engine, accountId, last));
      }
      fieldCounts.push(await redis.hlen(keys.orders('uma')));
    }

    // Assess
    expect(written).toEqual(wanted);
    // uma's hash: seq plus one field per resting order, only seq once all are cancelled
    expect(fieldCounts).toEqual([0, 4, 4, 4, 3, 1]);
    // an asset the account never held has no field (the view shows it as zero)
    expect(await redis.hexists(keys.balances('vic'), 'SOL')).toBe(1);
    expect(await redis.hexists(keys.balances('vic'), 'ETH')).toBe(0);
  });

  it('rebuilds every read model from the engine, replacing whatever Redis held', async () => {
    // Prepare: a state, and Redis holding stale and foreign data for it
    const driver = new Driver(2900);
    const publisher = new RedisPublisher({ redis, engine: driver.engine, keys });
    driver.run({ type: 'DEPOSIT', accountId: 'wes', asset: 'SOL', amount: '10' });
    driver.run({ type: 'DEPOSIT', accountId: 'xia', asset: 'USDC', amount: '1000' });
    driver.limit('wes', 'SELL', '100', '3');
    driver.limit('xia', 'BUY', '100', '1');
    await redis.hset(keys.orders('wes'), 'seq', 1, '1', '{"stale":true}');
    await redis.hset(keys.balances('wes'), 'seq', 1, 'ETH', '[5,0]');
    await redis.set(keys.orders('xia'), '{"an":"old string read model"}');
    await redis.set(keys.depth('SOL_USDC'), '{}');

    // Act
    await publisher.rebuild();

    // Assess
    for (const accountId of ['wes', 'xia']) {
      expect({ balances: await balancesModel(accountId), orders: await ordersModel(accountId) }).toEqual(
        accountState(driver.engine, accountId, { balances: 2904, orders: 2904 }),
      );
    }
    expect((await ordersModel('wes')).orders).toEqual([expect.objectContaining({ filledQuantity: '1.000' })]);
    expect(await depthModel('SOL_USDC')).toEqual({
      market: 'SOL_USDC',
      seq: 2904,
      lastUpdateId: 2,
      bids: [],
      asks: [['100.00', '2.000']],
    });
    expect(await redis.get(keys.readModelsReady)).toBe('2904');
  });
});

describe('EventsQueuePublisher (real fauxqs)', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  let queueUrl: string;

  interface Received {
    readonly groupId: string;
    readonly deduplicationId: string;
    readonly events: z.infer<typeof eventSchema>[];
  }

  /** Receives and deletes `count` messages, in the order fauxqs delivers them. */
  async function receive(count: number): Promise<Received[]> {
    const out: Received[] = [];
    while (out.length < count) {
      const answer = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
        }),
      );
      for (const m of answer.Messages ?? []) {
        out.push({
          groupId: m.Attributes?.MessageGroupId ?? '',
          deduplicationId: m.Attributes?.MessageDeduplicationId ?? '',
          events: z.array(eventSchema).parse(JSON.parse(m.Body ?? '')),
        });
        await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    return out;
  }

  /** Whether anything is left, after one more long poll. */
  async function isEmpty(): Promise<boolean> {
    const answer = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    return (answer.Messages ?? []).length === 0;
  }

  beforeAll(async () => {
    sqs = await startLocalSqs({ port: 0 });
    client = createSqsClient(sqs);
    queueUrl = sqs.queueUrls[EVENTS_QUEUE.name] as string;
  });

  afterAll(async () => {
    client.destroy();
    await sqs.close();
  });

  it("sends one message per group of a batch, its commands' events in order, deduplicated by first and last sequence", async () => {
    // Prepare
    const driver = new Driver();
    const batch = tradingBatch(driver);
    const publisher = new EventsQueuePublisher({ client: sdkQueueClient(client), queueUrl, registry });

    // Act: the second publication is what a restart would send again
    const sent = await publisher.publish(batch);
    await publisher.publish(batch);

    // Assess: deposits in their accounts' groups; the sell and the crossing buy in one
    // market message; the refused buy (seq 5) has no events
    expect(sent).toBe(3);
    const received = await receive(3);
    expect(await isEmpty()).toBe(true);
    const groupOf = Object.fromEntries(received.map((m) => [m.deduplicationId, m.groupId]));
    expect(groupOf).toEqual({ '1-1': 'account:alice', '2-2': 'account:bob', '3-4': 'market:SOL_USDC' });
    const market = received.find((m) => m.deduplicationId === '3-4');
    expect(market?.events.every((e) => e.type !== 'DEPTH')).toBe(true);
    expect(market?.events.map((e) => [e.seq, e.type])).toEqual([
      [3, 'ORDER'],
      [3, 'BALANCE'],
      [4, 'TRADE'],
      [4, 'ORDER'],
      [4, 'ORDER'],
      [4, 'BALANCE'],
      [4, 'BALANCE'],
      [4, 'BALANCE'],
      [4, 'BALANCE'],
      [4, 'BALANCE'],
      [4, 'BALANCE'],
    ]);
  });

  it('sends more than ten messages in batches of ten, keeping each group in order across batches', async () => {
    // Prepare: two journal batches, each a deposit for thirteen accounts
    const driver = new Driver(100);
    const deposits = () =>
      Array.from({ length: 13 }, (_, i) =>
        driver.run({ type: 'DEPOSIT', accountId: `acct-${i}`, asset: 'USDC', amount: '1' }),
      );
    const publisher = new EventsQueuePublisher({ client: sdkQueueClient(client), queueUrl, registry });

    // Act
    const sent = (await publisher.publish(deposits())) + (await publisher.publish(deposits()));

    // Assess
    expect(sent).toBe(26);
    const received = await receive(26);
    for (let i = 0; i < 13; i++) {
      const ids = received.filter((m) => m.groupId === `account:acct-${i}`).map((m) => m.deduplicationId);
      expect(ids).toEqual([`${101 + i}-${101 + i}`, `${114 + i}-${114 + i}`]);
    }
  });

  it('sends again the entries SQS reports as failed, and a batch whose call failed', async () => {
    // Prepare: the real queue behind a sender that fails the first call outright,
    // then loses entry "1" of the next one, as SQS does when an entry fails
    let calls = 0;
    const queue = sdkQueueClient(client);
    const flaky: BatchSender = {
      async sendMessageBatch(input) {
        calls++;
        if (calls === 1) throw new Error('socket hang up');
        const entries = input.Entries ?? [];
        if (calls > 2) return queue.sendMessageBatch(input);
        const out = await queue.sendMessageBatch({ ...input, Entries: entries.filter((e) => e.Id !== '1') });
        return { ...out, Failed: [{ Id: '1', SenderFault: false, Code: 'InternalError', Message: 'lost' }] };
      },
    };
    const driver = new Driver(200);
    const batch = ['dora', 'dave', 'dina'].map((accountId) =>
      driver.run({ type: 'DEPOSIT', accountId, asset: 'USDC', amount: '1' }),
    );
    const publisher = new EventsQueuePublisher({ client: flaky, queueUrl, registry, retryDelayMs: 1 });

    // Act
    await publisher.publish(batch);

    // Assess
    expect(calls).toBe(3);
    const received = await receive(3);
    expect(received.map((m) => m.deduplicationId).sort()).toEqual(['201-201', '202-202', '203-203']);
    expect(await isEmpty()).toBe(true);
  });

  it('gives up after its attempts with the ids it could not send', async () => {
    // Prepare
    const down: BatchSender = {
      sendMessageBatch: () => Promise.reject(new Error('connection refused')),
    };
    const driver = new Driver(300);
    const batch = [driver.run({ type: 'DEPOSIT', accountId: 'erin', asset: 'USDC', amount: '1' })];
    const publisher = new EventsQueuePublisher({
      client: down,
      queueUrl,
      registry,
      maxAttempts: 3,
      retryDelayMs: 1,
    });

    // Act
    const failure = publisher.publish(batch);

    // Assess
    await expect(failure).rejects.toMatchObject({
      name: 'EventsQueuePublishError',
      deduplicationIds: ['301-301'],
      cause: expect.objectContaining({ message: 'connection refused' }),
    });
  });
});

describe('eventsMessagesOf', () => {
  it('splits a message whose events pass the size limit into numbered parts, in order', () => {
    // Prepare
    const driver = new Driver();
    const batch = tradingBatch(driver).slice(0, 4);

    // Act
    const messages = eventsMessagesOf(batch, registry, 600);

    // Assess
    const parts = messages.filter((m) => m.deduplicationId.startsWith('3-4'));
    expect(parts.length).toBeGreaterThan(1);
    expect(messages.map((m) => m.bytes)).toEqual(messages.map((m) => Buffer.byteLength(m.body)));
    expect(parts.map((m) => m.deduplicationId)).toEqual(parts.map((_, i) => `3-4.${i}`));
    const events = parts.flatMap((m) => z.array(eventSchema).parse(JSON.parse(m.body)));
    expect(events.map((e) => e.type)).toEqual([
      'ORDER',
      'BALANCE',
      'TRADE',
      'ORDER',
      'ORDER',
      ...Array(6).fill('BALANCE'),
    ]);
  });
});
