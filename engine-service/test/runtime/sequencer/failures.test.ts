/**
 * Integration tests of the sequencer's failure paths, against a real fauxqs (one per
 * test), a scratch PostgreSQL database and the machine's Redis: a failed journal
 * append, a lost lease, a failed publication and a failed delete each stop the loop
 * with that error, and nothing reaches the outside, or leaves the queue, that the
 * journal does not hold.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ensureRedis, type RunningService } from '@exchange/local-services';
import { createSqsClient, type LocalSqs, startLocalSqs } from '@exchange/localstack';
import { createMarketRegistry, ORDERS_QUEUE, redisKeys } from '@exchange/protocol';
import { SqsCallError, SqsJsonClient } from '@exchange/sqs-client';
import { Redis } from 'ioredis';
import { Engine } from '../../../src/core/index.js';
import {
  FencedOutError,
  Journal,
  type JournalEntry,
  JournalFence,
} from '../../../src/runtime/journal/index.js';
import { Lease, LeaseLostError } from '../../../src/runtime/lease/index.js';
import type { AddressedReply, JournaledCommand } from '../../../src/runtime/publish/journaled-command.js';
import { type PreparedPublication, RedisPublisher } from '../../../src/runtime/publish/redis-publisher.js';
import { type BatchSink, Sequencer, type SequencerOptions } from '../../../src/runtime/sequencer.js';
import { createJournalDatabase, type JournalDatabase } from '../journal-database.js';

const registry = createMarketRegistry();

/** Records what the sequencer hands on. */
class RecordingSink implements BatchSink<readonly JournaledCommand[]> {
  readonly published: JournaledCommand[] = [];
  prepare(
    executed: readonly JournaledCommand[],
    _replies: readonly AddressedReply[],
  ): readonly JournaledCommand[] {
    return executed;
  }
  async send(batches: readonly (readonly JournaledCommand[])[]): Promise<void> {
    for (const b of batches) this.published.push(...b);
  }
}

let db: JournalDatabase;
let redisService: RunningService;
let sqs: LocalSqs;
let api: SQSClient;
let queue: SqsJsonClient;
let queueUrl: string;
let journal: Journal;

beforeAll(async () => {
  db = await createJournalDatabase();
  redisService = await ensureRedis();
  journal = new Journal(db.pool);
});

afterAll(async () => {
  await redisService.stop();
  await db.drop();
});

beforeEach(async () => {
  sqs = await startLocalSqs({ port: 0, queues: [ORDERS_QUEUE] });
  api = createSqsClient({ endpoint: sqs.endpoint, region: sqs.region });
  queue = new SqsJsonClient({ ...sqs, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  queueUrl = sqs.queueUrls[ORDERS_QUEUE.name] as string;
});

afterEach(async () => {
  api.destroy();
  await queue.close();
  await sqs.close();
});

/** Enqueues deposits as the API does, one account (group) each; returns their request ids. */
async function sendDeposits(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const requestId = randomUUID();
    const accountId = `account-${i}`;
    await api.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ type: 'DEPOSIT', requestId, accountId, asset: 'USDC', amount: '1' }),
        MessageGroupId: accountId,
        MessageDeduplicationId: requestId,
      }),
    );
    ids.push(requestId);
  }
  return ids;
}

/** Messages still in the queue, visible or received and not deleted. */
async function messagesInQueue(): Promise<number> {
  const { Attributes } = await api.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

async function sequencerOver<P>(
  sink: BatchSink<P>,
  options: Partial<SequencerOptions<P>> = {},
): Promise<Sequencer<P>> {
  return new Sequencer({
    engine: new Engine(registry),
    registry,
    journal,
    queue,
    queueUrl,
    sink,
    lastSeq: await journal.lastSeq(),
    lastTime: await journal.lastTime(),
    waitTimeSeconds: 1,
    ...options,
  });
}

/** Runs the loop until it fails; a loop that ends without failing fails the test. */
async function runUntilFailure(sequencer: Sequencer<unknown>): Promise<unknown> {
  const stop = new AbortController();
  try {
    await sequencer.run(stop.signal);
  } catch (error) {
    return error;
  }
  throw new Error('the loop ended without a failure');
}

describe('the sequencer’s failures', () => {
  it('stops on a refused journal append, having published and deleted nothing', async () => {
    // Prepare: a newer engine has raised the journal's fence past this one's token
    const token = await new JournalFence(db.pool).raise(1);
    await new JournalFence(db.pool).raise(token + 1);
    const sink = new RecordingSink();
    const sequencer = await sequencerOver(sink, { fencingToken: token });
    const ids = await sendDeposits(2);

    // Act
    const failure = await runUntilFailure(sequencer);

    // Assess
    expect(failure).toBeInstanceOf(FencedOutError);
    expect((await journal.findByRequestIds(ids)).size).toBe(0);
    expect(sink.published).toEqual([]);
    expect(await messagesInQueue()).toBe(2);
  });

  it('stops when the lease was lost before the append, having journaled, published and deleted nothing', async () => {
    // Prepare: this engine's lease, then taken by another holder, which its renewal found
    const redis = new Redis(redisService.url, { maxRetriesPerRequest: 1 });
    const lease = new Lease({
      redis,
      key: `test:sequencer-lease:${randomUUID()}`,
      fence: new JournalFence(db.pool),
      renewIntervalMs: 20,
    });
    const token = await lease.acquire();
    const lost = new Promise((resolve) => lease.onLost(resolve));
    await redis.set(lease.key, 'another-engine');
    await lost;
    const sink = new RecordingSink();
    const sequencer = await sequencerOver(sink, {
      fencingToken: token,
      checkLease: () => lease.confirmedToken(),
    });
    const ids = await sendDeposits(1);

    // Act
    const failure = await runUntilFailure(sequencer);

    // Assess
    expect(failure).toBeInstanceOf(LeaseLostError);
    expect((await journal.findByRequestIds(ids)).size).toBe(0);
    expect(sink.published).toEqual([]);
    expect(await messagesInQueue()).toBe(1);
    await lease.release();
    await redis.del(lease.key, `${lease.key}:token`);
    redis.disconnect();
  });

  it('stops on a failed publication, with the batch journaled but not counted as published', async () => {
    // Prepare: the Redis publisher over a Redis that does not answer
    const unreachable = new Redis('redis://127.0.0.1:9', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    unreachable.on('error', () => {});
    const engine = new Engine(registry);
    const publisher = new RedisPublisher({
      redis: unreachable,
      engine,
      keys: redisKeys(`test-sequencer-${randomUUID()}:`),
    });
    const sink: BatchSink<PreparedPublication> = {
      prepare: (executed, replies) => publisher.prepare(executed, replies),
      send: (prepared) => RedisPublisher.send(prepared),
    };
    const sequencer = await sequencerOver(sink, { engine });
    const before = sequencer.publishedSeq;
    const ids = await sendDeposits(1);

    // Act
    const failure = await runUntilFailure(sequencer);

    // Assess
    // ioredis refuses the pipeline: nothing can reach a Redis it is not connected to
    expect(String(failure)).toContain("Stream isn't writeable");
    expect((await journal.findByRequestIds(ids)).size).toBe(1);
    expect(sequencer.lastSeq).toBe(before + 1);
    expect(sequencer.publishedSeq).toBe(before);
    unreachable.disconnect();
  });

  it('stops on a failed delete, with the batch journaled but not counted as published', async () => {
    // Prepare: the queue goes away between the receive and the delete
    const vanishing = new (class extends Journal {
      override async append(entries: readonly JournalEntry[]): Promise<void> {
        await api.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
        await super.append(entries);
      }
    })(db.pool);
    const sink = new RecordingSink();
    const sequencer = await sequencerOver(sink, { journal: vanishing });
    const before = sequencer.publishedSeq;
    const ids = await sendDeposits(1);

    // Act
    const failure = await sequencer.runOnce().then(
      () => undefined,
      (error: unknown) => error,
    );

    // Assess
    expect(failure).toBeInstanceOf(SqsCallError);
    expect(String(failure)).toContain('QueueDoesNotExist');
    expect((await journal.findByRequestIds(ids)).size).toBe(1);
    expect(sequencer.publishedSeq).toBe(before);
  });
});
