/**
 * The DB processor behind the local SQS → Lambda poller (integration): real fauxqs,
 * the engine service's real `EventsQueuePublisher`, real PostgreSQL.
 */
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { EventsQueuePublisher } from '@exchange/engine-service/runtime';
import { migrateFunctionsDatabase } from '@exchange/functions/db/migrate';
import { SqsDeadLetterQueue } from '@exchange/functions/db-processor/dead-letters';
import { processEventsBatch } from '@exchange/functions/db-processor/events-batch';
import { createDbProcessorHandler } from '@exchange/functions/db-processor/handler';
import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import { createSqsClient, type LocalSqs, SqsEventSource, startLocalSqs } from '@exchange/localstack';
import type { FifoQueueDefinition } from '@exchange/protocol';
import { sdkQueueClient } from '@exchange/sqs-client/sdk';
import type { Context, SQSEvent } from 'aws-lambda';
import {
  type EngineStream,
  engineStream,
  recordsOf,
} from '../../../../functions/test/db-processor/engine-stream.js';
import {
  capturingLogger,
  dumpTables,
  processAll,
  truncateTables,
} from '../../../../functions/test/db-processor/tables.js';

/** One-second visibility so that failures come back quickly. */
function testQueue(name: string, maxReceiveCount: number): FifoQueueDefinition {
  return {
    name: `${name}.fifo`,
    visibilityTimeoutSeconds: 1,
    messageRetentionSeconds: 600,
    receiveWaitTimeSeconds: 0,
    deduplicationScope: 'queue',
    fifoThroughputLimit: 'perQueue',
    deadLetterQueue: { name: `${name}-dlq.fifo`, maxReceiveCount, messageRetentionSeconds: 1_200 },
  };
}

const QUEUES = [testQueue('midbatch', 5), testQueue('poison-sink', 2), testQueue('poison-redrive', 2)];

let sqs: LocalSqs;
let client: SQSClient;
let db: ScratchDatabase;
let reference: ScratchDatabase;
let stream: EngineStream;
const sources: SqsEventSource[] = [];

beforeAll(async () => {
  [sqs, db, reference] = await Promise.all([
    startLocalSqs({ port: 0, queues: QUEUES }),
    createScratchDatabase({ prefix: 'functions_test', migrate: migrateFunctionsDatabase }),
    createScratchDatabase({ prefix: 'functions_test', migrate: migrateFunctionsDatabase }),
  ]);
  client = createSqsClient(sqs);
  stream = engineStream({ seed: 5, commands: 250, accounts: 8 });
  // What the tables must hold once every message is processed once.
  await processAll(reference.pool, recordsOf(stream.messages));
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.stop()));
  await truncateTables(db.pool);
});
afterAll(async () => {
  client.destroy();
  await Promise.all([sqs.close(), db.drop(), reference.drop()]);
});

function urlOf(name: string): string {
  const url = sqs.queueUrls[name];
  if (url === undefined) throw new Error(`no queue ${name}`);
  return url;
}

function poll(queue: string, handler: (event: SQSEvent, context: Context) => Promise<unknown>): void {
  const source = new SqsEventSource({
    client,
    queueUrl: urlOf(queue),
    waitTimeSeconds: 1,
    // Groups at once, as the deployed event source and `npm start` run them.
    maxConcurrency: 3,
    handler: handler as never,
    onError: (error) => console.error(error),
  });
  sources.push(source);
  source.start();
}

/** Resolves once `done` holds, checking every 100 ms; fails after 60 s. */
async function until(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('timed out');
}

async function isEmpty(queue: string): Promise<boolean> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: urlOf(queue),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Attributes?.ApproximateNumberOfMessages === '0' &&
    Attributes.ApproximateNumberOfMessagesNotVisible === '0'
  );
}

/** The engine sequence a record's events belong to. */
const seqOf = (body: string): number => (JSON.parse(body) as { seq: number }[])[0]?.seq ?? 0;

describe('db-processor behind SqsEventSource (integration, fauxqs + PostgreSQL)', () => {
  it('after a failure mid-batch keeps what came before and gets the rest again, each group in order', async () => {
    // Prepare
    const publisher = new EventsQueuePublisher({
      client: sdkQueueClient(client),
      queueUrl: urlOf('midbatch.fifo'),
      registry: stream.registry,
    });
    await publisher.publish(stream.journaled);
    const { logger } = capturingLogger();
    const deliveries = new Map<string, number>();
    const writtenSeqs = new Map<string, number[]>();
    let injected: { before: string[]; failed: string; after: string[] } | undefined;

    // Act: the first batch of three or more records has its second record garbled, once.
    poll('midbatch.fifo', async (event, context) => {
      const records = event.Records;
      for (const r of records) deliveries.set(r.messageId, (deliveries.get(r.messageId) ?? 0) + 1);
      const target = records[1];
      if (injected === undefined && records.length >= 3 && target !== undefined) {
        injected = {
          before: records.slice(0, 1).map((r) => r.messageId),
          failed: target.messageId,
          after: records.slice(2).map((r) => r.messageId),
        };
        event = { Records: records.map((r) => (r === target ? { ...r, body: '[{"garbled' } : r)) };
      }
      const outcome = await processEventsBatch(event, { db: db.pool, logger }, context);
      for (const id of outcome.written) {
        const record = records.find((r) => r.messageId === id);
        if (record === undefined) continue;
        const group = record.attributes.MessageGroupId ?? '';
        writtenSeqs.set(group, [...(writtenSeqs.get(group) ?? []), seqOf(record.body)]);
      }
      return outcome.response;
    });
    await until(() => isEmpty('midbatch.fifo'));

    // Assess
    if (injected === undefined) throw new Error('no batch of three records came');
    for (const id of injected.before) expect(deliveries.get(id)).toBe(1);
    for (const id of [injected.failed, ...injected.after])
      expect(deliveries.get(id)).toBeGreaterThanOrEqual(2);
    for (const seqs of writtenSeqs.values()) {
      // Each message group written in engine order (split parts share a seq).
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    expect(await dumpTables(db.pool)).toEqual(await dumpTables(reference.pool));
  });

  it.each([
    ['by the processor on its last delivery', 'poison-sink', true],
    ['by SQS redrive when the processor has no dead-letter sink', 'poison-redrive', false],
  ])('moves a bad record to the dead-letter queue %s, and writes everything else', async (_, name, sink) => {
    // Prepare: the first 30 messages, with a bad one in a market group after 10 of them.
    const queue = `${name}.fifo`;
    const dlq = `${name}-dlq.fifo`;
    const good = stream.messages.slice(0, 30);
    const poisonGroup = good.find((m) => m.groupId.startsWith('market:'))?.groupId ?? 'market:SOL_USDC';
    const messages = [
      ...good.slice(0, 10),
      { groupId: poisonGroup, deduplicationId: 'poison', body: '[{"type":"MYSTERY","seq":1}]' },
      ...good.slice(10),
    ];
    for (let i = 0; i < messages.length; i += 10) {
      const { Failed } = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: urlOf(queue),
          Entries: messages.slice(i, i + 10).map((m, j) => ({
            Id: String(j),
            MessageBody: m.body,
            MessageGroupId: m.groupId,
            MessageDeduplicationId: m.deduplicationId,
          })),
        }),
      );
      expect(Failed ?? []).toEqual([]);
    }
    const { logger, lines } = capturingLogger();
    const handler = createDbProcessorHandler(() => ({
      db: db.pool,
      logger,
      maxReceiveCount: 2,
      ...(sink ? { deadLetters: new SqsDeadLetterQueue(client, urlOf(dlq)) } : {}),
    }));

    // Act
    poll(queue, handler);
    await until(() => isEmpty(queue));
    const dead = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: urlOf(dlq),
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );

    // Assess: the processor's sink moves the poison alone; SQS's redrive also moves any
    // record that rode behind it on each of its deliveries (FIFO: reported failed with it),
    // which is why the processor has a sink of its own
    const deadBodies = (dead.Messages ?? []).map((m) => m.Body ?? '');
    const poisonBody = '[{"type":"MYSTERY","seq":1}]';
    if (sink) expect(deadBodies).toEqual([poisonBody]);
    else expect(deadBodies).toContain(poisonBody);
    const poisonId = lines.find((l) => l.reason !== undefined)?.messageId;
    expect(typeof poisonId).toBe('string');
    expect(lines.filter((l) => l.messageId === poisonId).length).toBeGreaterThanOrEqual(sink ? 2 : 1);
    if (sink) {
      expect(dead.Messages?.[0]?.MessageAttributes?.SourceMessageId?.StringValue).toBe(poisonId);
    }
    const expected = new Set(good.map((m) => seqOf(m.body)));
    const { rows } = await db.pool.query<{ seq: string }>('SELECT DISTINCT seq FROM balance_changes');
    const balanceSeqs = new Set(
      good
        .filter((m) => !deadBodies.includes(m.body))
        .flatMap((m) =>
          (JSON.parse(m.body) as { type: string; seq: number }[])
            .filter((e) => e.type === 'BALANCE')
            .map((e) => e.seq),
        ),
    );
    expect(new Set(rows.map((r) => Number(r.seq)))).toEqual(balanceSeqs);
    expect(expected.size).toBeGreaterThan(0);
  });
});
