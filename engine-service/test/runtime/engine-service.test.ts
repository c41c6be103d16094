import { randomBytes } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ensureRedis, type RunningService } from '@exchange/local-services';
import { createSqsClient, type LocalSqs, startLocalSqs } from '@exchange/localstack';
import {
  createMarketRegistry,
  EVENTS_QUEUE,
  ORDERS_QUEUE,
  type Reply,
  redisKeys,
  tickerReadModelOf,
} from '@exchange/protocol';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { type RunningEngineService, startEngineService } from '../../src/runtime/engine-service.js';
import { createJournalDatabase, type JournalDatabase } from './journal-database.js';

const registry = createMarketRegistry();
const prefix = `test-${randomBytes(4).toString('hex')}:`;
const keys = redisKeys(prefix);
/** The inbox every command of these tests names for its reply. */
const INBOX = 'engine-test';
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let db: JournalDatabase;
let sqs: LocalSqs;
let client: SQSClient;
let redisService: RunningService;
let subscriber: Redis;

beforeAll(async () => {
  db = await createJournalDatabase();
  sqs = await startLocalSqs({ port: 0 });
  client = createSqsClient({ endpoint: sqs.endpoint, region: sqs.region });
  redisService = await ensureRedis();
  subscriber = new Redis(redisService.url);
});

afterAll(async () => {
  subscriber.disconnect();
  client.destroy();
  await sqs.close();
  await redisService.stop();
  await db.drop();
});

function start(leaseKey: string): Promise<RunningEngineService> {
  return startEngineService({
    registry,
    databaseUrl: db.url,
    redisUrl: redisService.url,
    sqsEndpoint: sqs.endpoint,
    region: sqs.region,
    redisKeys: keys,
    leaseKey,
    leaseTtlMs: 1_000,
    waitTimeSeconds: 1,
    logger,
  });
}

async function send(command: Record<string, unknown>): Promise<void> {
  await client.send(
    new SendMessageCommand({
      QueueUrl: sqs.queueUrls[ORDERS_QUEUE.name],
      MessageBody: JSON.stringify({ ...command, replyTo: INBOX }),
      MessageGroupId: String(command.accountId),
      MessageDeduplicationId: String(command.requestId),
    }),
  );
}

/** Resolves with the replies to these request ids, in arrival order, from the test's inbox. */
async function replies(requestIds: readonly string[]): Promise<Reply[]> {
  const got: Reply[] = [];
  const all = new Promise<Reply[]>((resolve) => {
    subscriber.on('message', (channel: string, message: string) => {
      const reply = JSON.parse(message) as Reply;
      if (channel !== keys.replies(INBOX) || !requestIds.includes(reply.requestId)) return;
      got.push(reply);
      if (got.length === requestIds.length) resolve(got);
    });
  });
  await subscriber.subscribe(keys.replies(INBOX));
  return all;
}

describe('the engine service', () => {
  it('takes orders from the queue and answers on Redis, publishes events, and reports health', async () => {
    // Prepare
    const service = await start(`${prefix}lease-1`);
    const answered = replies(['s-1', 's-2', 's-3']);

    // Act
    await send({ type: 'DEPOSIT', requestId: 's-1', accountId: 'alice', asset: 'USDC', amount: '1000' });
    await send({ type: 'DEPOSIT', requestId: 's-2', accountId: 'bob', asset: 'SOL', amount: '3' });
    await send({
      type: 'CREATE_ORDER',
      requestId: 's-3',
      accountId: 'alice',
      market: 'SOL_USDC',
      side: 'BUY',
      orderType: 'LIMIT',
      price: '100.00',
      quantity: '1',
    });
    const got = await answered;

    // Assess
    expect(got.map((r) => [r.requestId, r.ok]).sort()).toEqual([
      ['s-1', true],
      ['s-2', true],
      ['s-3', true],
    ]);
    // The replies go out on Redis before the batch has gone through every lane (the
    // events lane gathers first): health counts a batch once it is published everywhere.
    let health = await fetch(service.health.url);
    const deadline = performance.now() + 5_000;
    while (
      ((await health.clone().json()) as { lastSeq: number }).lastSeq < 3 &&
      performance.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      health = await fetch(service.health.url);
    }
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', lastSeq: 3 });
    const persisted = await client.send(
      new ReceiveMessageCommand({ QueueUrl: sqs.queueUrls[EVENTS_QUEUE.name], MaxNumberOfMessages: 10 }),
    );
    expect((persisted.Messages ?? []).length).toBeGreaterThan(0);
    await service.stop();
  });

  it('lets a second engine run only once the first is gone, and it recovers the journal', async () => {
    // Prepare
    const lease = `${prefix}lease-2`;
    const first = await start(lease);
    let secondStarted = false;
    const second = start(lease).then((s) => {
      secondStarted = true;
      return s;
    });

    // Act: the second waits while the first holds the lease; it takes over when the first stops
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const startedWhileFirstRan = secondStarted;
    await first.stop();
    const running = await second;
    const answered = replies(['s-4']);
    await send({ type: 'DEPOSIT', requestId: 's-4', accountId: 'carol', asset: 'USDC', amount: '5' });

    // Assess
    expect(startedWhileFirstRan).toBe(false);
    expect((await answered)[0]).toMatchObject({ ok: true, seq: 4 });
    await running.stop();
  });

  it('keeps the 24 h ticker across a restart: the journal refills it', async () => {
    // Prepare: erin sells dave 1 SOL, then the engine restarts (same lease key: the
    // fencing token keeps growing, as the journal's fence requires)
    const lease = `${prefix}lease-2`;
    const first = await start(lease);
    const traded = replies(['t-1', 't-2', 't-3', 't-4']);
    await send({ type: 'DEPOSIT', requestId: 't-1', accountId: 'dave', asset: 'USDC', amount: '1000' });
    await send({ type: 'DEPOSIT', requestId: 't-2', accountId: 'erin', asset: 'SOL', amount: '5' });
    const order = { market: 'SOL_USDC', orderType: 'LIMIT', price: '100.00', quantity: '1' };
    await send({ type: 'CREATE_ORDER', requestId: 't-3', accountId: 'dave', side: 'BUY', ...order });
    await send({ type: 'CREATE_ORDER', requestId: 't-4', accountId: 'erin', side: 'SELL', ...order });
    await traded;
    await first.stop();
    // The stopped engine's last long polls (1 s) stay open on the server, and a message
    // arriving meanwhile would be handed to them and only come back after the visibility
    // timeout: send the next orders once they have expired.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const second = await start(lease);

    // Act: a second trade after the restart
    const again = replies(['t-5', 't-6']);
    await send({ type: 'CREATE_ORDER', requestId: 't-5', accountId: 'dave', side: 'BUY', ...order });
    await send({ type: 'CREATE_ORDER', requestId: 't-6', accountId: 'erin', side: 'SELL', ...order });
    await again;
    await second.stop();

    // Assess: both trades are in the window, the one before the restart included
    const reader = new Redis(redisService.url);
    const ticker = tickerReadModelOf('SOL_USDC', (await reader.get(keys.ticker('SOL_USDC'))) ?? '[]');
    reader.disconnect();
    expect(ticker).toMatchObject({ count: 2, volume: '2.000', lastPrice: '100.00' });
  });
});
