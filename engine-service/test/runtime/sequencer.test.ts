import {
  ChangeMessageVisibilityCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsClient, type LocalSqs, startLocalSqs } from '@exchange/localstack';
import {
  type Command,
  createMarketRegistry,
  newRequestId,
  ORDERS_QUEUE,
  type Reply,
} from '@exchange/protocol';
import { SqsJsonClient } from '@exchange/sqs-client';
import { Engine } from '../../src/core/index.js';
import { Journal } from '../../src/runtime/journal/index.js';
import type { AddressedReply, JournaledCommand } from '../../src/runtime/publish/journaled-command.js';
import { MAX_CLOCK_SKEW_MS } from '../../src/runtime/sequencer/recent-requests.js';
import { type BatchSink, Sequencer } from '../../src/runtime/sequencer.js';
import { createJournalDatabase, type JournalDatabase } from './journal-database.js';

const registry = createMarketRegistry();

interface Prepared {
  readonly executed: readonly JournaledCommand[];
  readonly replies: readonly Reply[];
}

/** Collects what the sequencer hands on, in order. */
class RecordingSink implements BatchSink<Prepared> {
  readonly published: JournaledCommand[] = [];
  readonly replies: Reply[] = [];
  prepare(executed: readonly JournaledCommand[], replies: readonly AddressedReply[]): Prepared {
    return { executed, replies: replies.map((r) => r.reply) };
  }
  async send(batches: readonly Prepared[]): Promise<void> {
    for (const b of batches) {
      this.published.push(...b.executed);
      this.replies.push(...b.replies);
    }
  }
}

let db: JournalDatabase;
let sqs: LocalSqs;
let client: SQSClient;
/** The engine's own client for its calls; the SDK's plays the API. */
let queue: SqsJsonClient;
let queueUrl: string;

beforeAll(async () => {
  db = await createJournalDatabase();
  sqs = await startLocalSqs({ port: 0, queues: [{ ...ORDERS_QUEUE, visibilityTimeoutSeconds: 2 }] });
  client = createSqsClient({ endpoint: sqs.endpoint, region: sqs.region });
  queue = new SqsJsonClient({ ...sqs, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  queueUrl = sqs.queueUrls[ORDERS_QUEUE.name] as string;
});

afterAll(async () => {
  client.destroy();
  await queue.close();
  await sqs.close();
  await db.drop();
});

/** Enqueues a command as the API does: group = account, deduplication id = request id (or `dedup`). */
async function send(command: Command | Record<string, unknown>, dedup?: string): Promise<void> {
  const requestId = String(command.requestId);
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(command),
      MessageGroupId: String(command.accountId ?? 'unknown'),
      MessageDeduplicationId: dedup ?? requestId,
    }),
  );
}

/** Runs batches until `count` commands were received. */
async function drain(sequencer: Sequencer, count: number): Promise<void> {
  for (let received = 0; received < count; ) {
    received += (await sequencer.runOnce()).received;
  }
}

describe('the sequencer', () => {
  it('applies queued commands once each, journals them in sequence and hands them on', async () => {
    // Prepare
    const engine = new Engine(registry);
    const journal = new Journal(db.pool);
    const sink = new RecordingSink();
    const sequencer = new Sequencer({
      engine,
      registry,
      journal,
      queue,
      queueUrl,
      sink,
      lastSeq: 0,
      waitTimeSeconds: 1,
    });
    await send({ type: 'DEPOSIT', requestId: 'd-1', accountId: 'alice', asset: 'USDC', amount: '1000' });
    await send({ type: 'DEPOSIT', requestId: 'd-2', accountId: 'bob', asset: 'SOL', amount: '5' });
    await send({
      type: 'CREATE_ORDER',
      requestId: 'o-1',
      accountId: 'alice',
      market: 'SOL_USDC',
      side: 'BUY',
      orderType: 'LIMIT',
      price: '100.00',
      quantity: '2',
    });
    await send({ type: 'NOT_A_COMMAND', requestId: 'x-1', accountId: 'bob' });

    // Act
    await drain(sequencer, 4);

    // Assess
    expect(sequencer.lastSeq).toBe(4);
    expect(await journal.lastSeq()).toBe(4);
    const journaled = await journal.findByRequestIds(['d-1', 'd-2', 'o-1', 'x-1']);
    expect([...journaled.values()].map((j) => j.seq).sort()).toEqual([1, 2, 3, 4]);
    expect(journaled.get('x-1')?.reply).toMatchObject({ ok: false, code: 'INVALID_COMMAND' });
    expect(sink.published.map((p) => p.requestId).sort()).toEqual(['d-1', 'd-2', 'o-1']);
    expect(sink.replies.map((r) => r.requestId)).toEqual(['x-1']);
    expect(engine.balance('alice', 'USDC')).toEqual({ available: 800_000_000, locked: 200_000_000 });
  });

  /** A sequencer over a fresh engine, at the journal's last sequence: a restarted engine's view. */
  async function restarted(): Promise<{
    sequencer: Sequencer;
    journal: Journal;
    sink: RecordingSink;
    lastSeq: number;
  }> {
    const journal = new Journal(db.pool);
    const sink = new RecordingSink();
    const lastSeq = await journal.lastSeq();
    const sequencer = new Sequencer({
      engine: new Engine(registry),
      registry,
      journal,
      queue,
      queueUrl,
      sink,
      lastSeq,
      lastTime: await journal.lastTime(),
      waitTimeSeconds: 1,
    });
    return { sequencer, journal, sink, lastSeq };
  }

  const retryOfO1 = {
    type: 'CREATE_ORDER',
    requestId: 'o-1',
    accountId: 'alice',
    market: 'SOL_USDC',
    side: 'BUY',
    orderType: 'LIMIT',
    price: '100.00',
    quantity: '2',
  };

  it('answers a redelivered request it has journaled from the journal and never applies it twice', async () => {
    // Prepare: o-1's message delivered once (to an engine that journaled it and died), then visible again
    const { sequencer, journal, sink, lastSeq } = await restarted();
    const original = (await journal.findByRequestIds(['o-1'])).get('o-1');
    await send(retryOfO1, 'o-1-redelivered');
    const { Messages } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: Messages?.[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );

    // Act
    const outcome = await sequencer.runOnce();

    // Assess
    expect(outcome).toMatchObject({ received: 1, applied: 0, redelivered: 1, lastSeq });
    expect(sink.replies).toEqual([original?.reply]);
    expect(sink.published).toEqual([]);
    expect(await journal.lastSeq()).toBe(lastSeq);
  });

  it('answers a deposit its producer sent again (a new message, first delivery) from the journal', async () => {
    // Prepare: the on-ramp or settlement sends d-1 again, past SQS's deduplication
    const { sequencer, journal, sink, lastSeq } = await restarted();
    const original = (await journal.findByRequestIds(['d-1'])).get('d-1');
    await send(
      { type: 'DEPOSIT', requestId: 'd-1', accountId: 'alice', asset: 'USDC', amount: '1000' },
      'd-1-again',
    );

    // Act
    const outcome = await sequencer.runOnce();

    // Assess
    expect(outcome).toMatchObject({ received: 1, applied: 0, redelivered: 1, lastSeq });
    expect(sink.replies).toEqual([original?.reply]);
    expect(await journal.lastSeq()).toBe(lastSeq);
  });

  it('answers a trading command its client sent again (a new message, first delivery) from the journal', async () => {
    // Prepare: a retrying client sends o-1 again under another deduplication id
    const { sequencer, journal, sink, lastSeq } = await restarted();
    const original = (await journal.findByRequestIds(['o-1'])).get('o-1');
    await send(retryOfO1, 'o-1-sent-again');

    // Act
    const outcome = await sequencer.runOnce();

    // Assess
    expect(outcome).toMatchObject({ received: 1, applied: 0, redelivered: 1, lastSeq });
    expect(sink.replies).toEqual([original?.reply]);
    expect(sink.published).toEqual([]);
    expect(await journal.lastSeq()).toBe(lastSeq);
  });

  it('asks the journal about a request that could be in it, and not about one made after the restart', async () => {
    // Prepare: a deposit journaled before the restart, sent again; a request made since
    const before = await restarted();
    const journaledEarlier = newRequestId();
    const deposit = {
      type: 'DEPOSIT',
      requestId: journaledEarlier,
      accountId: 'carol',
      asset: 'USDC',
      amount: '5',
    };
    await send(deposit);
    await drain(before.sequencer, 1);
    const { sequencer, journal, sink, lastSeq } = await restarted();
    const original = (await journal.findByRequestIds([journaledEarlier])).get(journaledEarlier);
    const madeSince = newRequestId((await journal.lastTime()) + MAX_CLOCK_SKEW_MS + 1);
    const asked: string[] = [];
    const lookUp = journal.findByRequestIds.bind(journal);
    journal.findByRequestIds = (ids) => {
      asked.push(...ids);
      return lookUp(ids);
    };
    await send(deposit, `${journaledEarlier}-again`);
    await send({ ...deposit, requestId: madeSince });

    // Act
    await drain(sequencer, 2);

    // Assess
    expect(asked).toEqual([journaledEarlier]);
    expect(sink.replies).toEqual([original?.reply]);
    expect(sink.published.map((p) => p.requestId)).toEqual([madeSince]);
    expect(await journal.lastSeq()).toBe(lastSeq + 1);
  });
});

describe('the sequencer and poisoned input', () => {
  it('refuses a command whose request id holds NUL, and goes on with the next', async () => {
    // Prepare
    const engine = new Engine(registry);
    const journal = new Journal(db.pool);
    const sink = new RecordingSink();
    const lastSeq = await journal.lastSeq();
    const sequencer = new Sequencer({
      engine,
      registry,
      journal,
      queue,
      queueUrl,
      sink,
      lastSeq,
      waitTimeSeconds: 1,
    });
    await send(
      { type: 'DEPOSIT', requestId: 'nul\u0000id', accountId: 'carol', asset: 'USDC', amount: '5' },
      'nul-id',
    );
    await send({ type: 'DEPOSIT', requestId: 'after-nul', accountId: 'carol', asset: 'USDC', amount: '7' });

    // Act
    await drain(sequencer, 2);

    // Assess
    const journaled = await journal.findByRequestIds(['nul\ufffdid', 'after-nul']);
    expect(journaled.get('nul\ufffdid')?.reply).toMatchObject({ ok: false, code: 'INVALID_COMMAND' });
    expect(journaled.get('after-nul')?.reply).toMatchObject({ ok: true });
    expect(sink.replies.map((r) => r.requestId)).toEqual(['nul\ufffdid']);
    expect(engine.balance('carol', 'USDC')).toEqual({ available: 7_000_000, locked: 0 });
  });
});

describe('the sequencer’s hold on received messages', () => {
  let held: LocalSqs;
  let heldUrl: string;

  beforeAll(async () => {
    // The queue's own visibility timeout as deployed (30 s), not the short one above.
    held = await startLocalSqs({ port: 0, queues: [ORDERS_QUEUE] });
    heldUrl = held.queueUrls[ORDERS_QUEUE.name] as string;
  });
  afterAll(() => held.close());

  it('lets a message an engine received and never journaled come back well before the queue’s timeout', async () => {
    // Prepare: an engine that receives a command and then hangs before journaling it, as a killed one would.
    const heldQueue = new SqsJsonClient({
      ...held,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const hung = new (class extends Journal {
      override findByRequestIds(): Promise<never> {
        return new Promise(() => {});
      }
    })(db.pool);
    const options = {
      registry,
      queue: heldQueue,
      queueUrl: heldUrl,
      sink: new RecordingSink(),
      lastSeq: await new Journal(db.pool).lastSeq(),
      waitTimeSeconds: 1,
    };
    const dead = new Sequencer({ ...options, engine: new Engine(registry), journal: hung });
    const apiClient = createSqsClient({ endpoint: held.endpoint, region: held.region });
    await apiClient.send(
      new SendMessageCommand({
        QueueUrl: heldUrl,
        MessageBody: JSON.stringify({
          type: 'DEPOSIT',
          requestId: 'held-1',
          accountId: 'carol',
          asset: 'USDC',
          amount: '1',
        }),
        MessageGroupId: 'carol',
        MessageDeduplicationId: 'held-1',
      }),
    );
    void dead.runOnce();

    // Act: the successor polls for at most half of the queue's visibility timeout.
    const successor = new Sequencer({
      ...options,
      engine: new Engine(registry),
      journal: new Journal(db.pool),
    });
    let received = 0;
    const giveUpAt = Date.now() + (ORDERS_QUEUE.visibilityTimeoutSeconds * 1000) / 2;
    while (received === 0 && Date.now() < giveUpAt) received = (await successor.runOnce()).received;

    // Assess
    expect(received).toBe(1);
    expect((await new Journal(db.pool).findByRequestIds(['held-1'])).get('held-1')?.reply).toMatchObject({
      ok: true,
    });
    apiClient.destroy();
    await heldQueue.close();
  });
});
