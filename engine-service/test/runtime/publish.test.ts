/**
 * Integration tests of the publishers: a real engine's batch published to a real
 * Redis (read back by GET and by a subscribed second connection) and to `events.fifo`
 * on a real fauxqs (received back). Names carry a per-run prefix, so runs sharing one
 * Redis never see each other's keys or messages.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  createSqsClient,
  ensureRedis,
  type LocalSqs,
  type RunningService,
  startLocalSqs,
} from '@exchange/localstack';
import {
  accountUpdateSchema,
  type BalancesReadModel,
  balancesReadModelOf,
  balancesReadModelSchema,
  bookTickerReadModelSchema,
  createMarketRegistry,
  type DepthReadModel,
  depthEventSchema,
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
  type RedisKeys,
  redisKeys,
  replySchema,
  tickerReadModelSchema,
  toEngineCommand,
  toWireEvent,
} from '@exchange/protocol';
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
import { sdkQueueClient } from '../../src/runtime/sqs/queue-client.js';

const T0 = 1_700_000_000_000;
const registry = createMarketRegistry();

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
  const messages: { channel: string; message: string }[] = [];
  let arrived: () => void = () => {};

  /** Resolves once a message matching `predicate` has arrived; Jest's timeout bounds the wait. */
  function waitFor(predicate: (m: { channel: string }) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (messages.some(predicate)) resolve();
        else arrived = check;
      };
      check();
    });
  }

  async function readModel<T>(key: string, schema: z.ZodType<T>): Promise<T> {
    const json = await redis.get(key);
    if (json === null) throw new Error(`no value at ${key}`);
    return schema.parse(JSON.parse(json));
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
    keys = redisKeys(`test-publish-${process.pid}-${Date.now()}:`);
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
      messages.push({ channel, message });
      arrived();
    });
    await subscriber.psubscribe(`${keys.prefix}*`);
  });

  afterAll(async () => {
    const written = await redis.keys(`${keys.prefix}*`);
    if (written.length > 0) await redis.del(...written);
    subscriber.disconnect();
    redis.disconnect();
    await service.stop();
  });

  beforeEach(() => {
    messages.length = 0;
  });

  it('publishes replies, read models with seq, market data and account updates from one batch', async () => {
    // Prepare
    const driver = new Driver();
    const batch = tradingBatch(driver);
    const publisher = new RedisPublisher({ redis, engine: driver.engine, keys });

    // Act
    await publisher.publish(batch);
    await waitFor((m) => m.channel === keys.marketChannel('ticker', 'SOL_USDC'));

    // Assess: replies, on their request's channel
    const [buy] = on(keys.reply('req-4'), replySchema);
    expect(buy).toMatchObject({ ok: true, seq: 4 });
    expect(buy?.ok === true && buy.fills).toEqual([
      expect.objectContaining({ price: '100.00', quantity: '1.000', side: 'BUY', isMaker: false }),
    ]);
    expect(on(keys.reply('req-5'), replySchema)).toEqual([
      expect.objectContaining({ ok: false, seq: 5, code: 'INSUFFICIENT_FUNDS' }),
    ]);
    expect(batch.map((c) => on(keys.reply(c.requestId), replySchema).length)).toEqual([1, 1, 1, 1, 1]);

    // Assess: read models, each at the batch's last sequence
    const depth = await readModel(keys.depth('SOL_USDC'), depthReadModelSchema);
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
    expect(await readModel(keys.bookTicker('SOL_USDC'), bookTickerReadModelSchema)).toEqual({
      market: 'SOL_USDC',
      seq: 5,
      updateId: 2,
      bidPrice: null,
      bidQty: null,
      askPrice: '100.00',
      askQty: '1.000',
    });
    expect(await readModel(keys.ticker('SOL_USDC'), tickerReadModelSchema)).toMatchObject({
      seq: 5,
      count: 1,
      openPrice: '100.00',
      lastPrice: '100.00',
      volume: '1.000',
      quoteVolume: '100.000000',
      closeTime: T0 + 5,
    });

    // Assess: market data
    const trades = on(keys.marketChannel('trades', 'SOL_USDC'), publicTradeSchema);
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
    const tradeMessage = messages.find((m) => m.channel === keys.marketChannel('trades', 'SOL_USDC'));
    expect(tradeMessage?.message).not.toContain('alice');
    const diffs = on(keys.marketChannel('depth', 'SOL_USDC'), depthEventSchema);
    expect(diffs.map((d) => [d.seq, d.updateId, d.asks])).toEqual([
      [3, 1, [['100.00', '2.000']]],
      [4, 2, [['100.00', '1.000']]],
    ]);
    expect(on(keys.marketChannel('bookTicker', 'SOL_USDC'), bookTickerReadModelSchema)).toHaveLength(1);

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

    // Assess: order — replies before market data, the tickers last
    const channels = messages.map((m) => m.channel);
    const lastReply = channels.map((c) => c.startsWith(keys.reply(''))).lastIndexOf(true);
    const firstMarketData = channels.findIndex((c) => keys.streamOf(c) !== undefined);
    expect(lastReply).toBeLessThan(firstMarketData);
    expect(channels.slice(-2)).toEqual([
      keys.marketChannel('bookTicker', 'SOL_USDC'),
      keys.marketChannel('ticker', 'SOL_USDC'),
    ]);
  });

  it('rewrites only the read models a batch touched', async () => {
    // Prepare
    const driver = new Driver();
    const publisher = new RedisPublisher({ redis, engine: driver.engine, keys });
    await publisher.publish(tradingBatch(driver));
    await waitFor((m) => m.channel === keys.marketChannel('ticker', 'SOL_USDC'));
    messages.length = 0;

    // Act
    const deposit = driver.run({ type: 'DEPOSIT', accountId: 'carol', asset: 'BTC', amount: '1.5' });
    await publisher.publish([deposit]);
    await waitFor((m) => m.channel === keys.accountChannel('carol'));

    // Assess
    expect((await balancesModel('carol')).seq).toBe(6);
    expect((await readModel(keys.depth('SOL_USDC'), depthReadModelSchema)).seq).toBe(5);
    expect((await balancesModel('alice')).seq).toBe(5);
    expect((await readModel(keys.ticker('SOL_USDC'), tickerReadModelSchema)).seq).toBe(5);
    expect(messages.map((m) => m.channel)).toEqual([keys.reply('req-6'), keys.accountChannel('carol')]);
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
      written.push(await readModel(keys.depth('SOL_USDC'), depthReadModelSchema));
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
          const {
            type: _t,
            seq: _s,
            time: _time,
            ...open
          } = toWireEvent(order, 1, 0, registry) as OrderEvent;
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
    await redis.hset(keys.balances('wes'), 'seq', 1, 'ETH', '{"available":"5","locked":"0"}');
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
    expect(await readModel(keys.depth('SOL_USDC'), depthReadModelSchema)).toEqual({
      market: 'SOL_USDC',
      seq: 2904,
      lastUpdateId: 2,
      bids: [],
      asks: [['100.00', '2.000']],
    });
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
