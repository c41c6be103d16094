/**
 * Integration: the local SQS (a real fauxqs server on a free port) through the real
 * `@aws-sdk/client-sqs`, with the exchange's queue definitions.
 */
import { createServer } from 'node:net';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { EVENTS_QUEUE, type FifoQueueDefinition, ORDERS_QUEUE, QUEUE_DEFINITIONS } from '@exchange/protocol';
import { createSqsClient, type LocalSqs, startLocalSqs } from '../src/sqs/index.js';

/** Fails fast: the second receive already goes to the dead-letter queue. */
const REDRIVE_QUEUE: FifoQueueDefinition = {
  name: 'redrive-test.fifo',
  visibilityTimeoutSeconds: 1,
  messageRetentionSeconds: 60,
  receiveWaitTimeSeconds: 0,
  deduplicationScope: 'queue',
  fifoThroughputLimit: 'perQueue',
  deadLetterQueue: { name: 'redrive-test-dlq.fifo', maxReceiveCount: 2, messageRetentionSeconds: 120 },
};

let sqs: LocalSqs;
let client: SQSClient;

beforeAll(async () => {
  sqs = await startLocalSqs({ port: 0, queues: [...QUEUE_DEFINITIONS, REDRIVE_QUEUE] });
  client = createSqsClient(sqs);
});

afterAll(async () => {
  client.destroy();
  await sqs.close();
});

function urlOf(name: string): string {
  const url = sqs.queueUrls[name];
  if (url === undefined) throw new Error(`no queue ${name}`);
  return url;
}

function send(queue: string, group: string, body: string, deduplicationId = body) {
  return client.send(
    new SendMessageCommand({
      QueueUrl: urlOf(queue),
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: deduplicationId,
    }),
  );
}

async function receive(queue: string, waitTimeSeconds = 5, maxMessages = 10): Promise<Message[]> {
  const { Messages } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: urlOf(queue),
      MaxNumberOfMessages: maxMessages,
      WaitTimeSeconds: waitTimeSeconds,
      MessageSystemAttributeNames: ['MessageGroupId', 'ApproximateReceiveCount', 'SequenceNumber'],
    }),
  );
  return Messages ?? [];
}

async function remove(queue: string, message: Message): Promise<void> {
  await client.send(
    new DeleteMessageCommand({ QueueUrl: urlOf(queue), ReceiptHandle: message.ReceiptHandle }),
  );
}

/** Receives and deletes until `count` messages have come, in the order received. */
async function drain(queue: string, count: number): Promise<Message[]> {
  const received: Message[] = [];
  for (let attempt = 0; received.length < count && attempt < 3 * count; attempt++) {
    for (const message of await receive(queue)) {
      received.push(message);
      await remove(queue, message);
    }
  }
  return received;
}

async function depth(queue: string): Promise<{ visible: string; inFlight: string }> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: urlOf(queue),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Attributes?.ApproximateNumberOfMessages ?? '?',
    inFlight: Attributes?.ApproximateNumberOfMessagesNotVisible ?? '?',
  };
}

describe('local SQS', () => {
  it('listens on 127.0.0.1 at the port the OS chose', () => {
    expect(sqs.port).toBeGreaterThan(0);
    expect(sqs.endpoint).toBe(`http://127.0.0.1:${sqs.port}`);
  });

  it.each([ORDERS_QUEUE, EVENTS_QUEUE])(
    'creates $name as defined, redriving to its DLQ',
    async (definition) => {
      // Prepare
      const request = new GetQueueAttributesCommand({
        QueueUrl: urlOf(definition.name),
        AttributeNames: ['All'],
      });
      const dlqRequest = new GetQueueAttributesCommand({
        QueueUrl: urlOf(definition.deadLetterQueue.name),
        AttributeNames: ['All'],
      });

      // Act
      const attributes = (await client.send(request)).Attributes ?? {};
      const dlqAttributes = (await client.send(dlqRequest)).Attributes ?? {};

      // Assess
      expect(attributes).toMatchObject({
        FifoQueue: 'true',
        ContentBasedDeduplication: 'false',
        VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(definition.messageRetentionSeconds),
      });
      expect(JSON.parse(attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: dlqAttributes.QueueArn,
        maxReceiveCount: definition.deadLetterQueue.maxReceiveCount,
      });
      expect(dlqAttributes).toMatchObject({
        FifoQueue: 'true',
        MessageRetentionPeriod: String(definition.deadLetterQueue.messageRetentionSeconds),
      });
    },
  );

  it.each([ORDERS_QUEUE.name, EVENTS_QUEUE.name])('sends, receives and deletes on %s', async (queue) => {
    // Prepare
    const sent = await send(queue, 'account-1', `{"requestId":"r-${queue}"}`);

    // Act
    const [message] = await receive(queue);
    await remove(queue, message as Message);

    // Assess
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.Body).toBe(`{"requestId":"r-${queue}"}`);
    expect(message?.Attributes?.MessageGroupId).toBe('account-1');
    expect(await depth(queue)).toEqual({ visible: '0', inFlight: '0' });
  });

  it('keeps each message group in order', async () => {
    // Prepare
    for (const body of ['a1', 'b1', 'a2', 'b2', 'a3', 'b3'])
      await send(ORDERS_QUEUE.name, body[0] as string, body);

    // Act
    const received = await drain(ORDERS_QUEUE.name, 6);

    // Assess
    const bodiesOf = (group: string) =>
      received
        .filter((message) => message.Attributes?.MessageGroupId === group)
        .map((message) => message.Body);
    expect(bodiesOf('a')).toEqual(['a1', 'a2', 'a3']);
    expect(bodiesOf('b')).toEqual(['b1', 'b2', 'b3']);
  });

  it('returns several messages of a group in one receive, in order, and holds the group while they are in flight', async () => {
    // Prepare: four of group c, two of group d, one message of group e already in flight
    await send(EVENTS_QUEUE.name, 'e', 'e1');
    await send(EVENTS_QUEUE.name, 'e', 'e2');
    const held = await receive(EVENTS_QUEUE.name);
    for (const body of ['c1', 'c2', 'd1', 'c3', 'd2', 'c4'])
      await send(EVENTS_QUEUE.name, body[0] as string, body);

    // Act
    const first = await receive(EVENTS_QUEUE.name);
    const second = await receive(EVENTS_QUEUE.name, 0);

    // Assess: everything of c and d at once, in group order; e stays held by the other receive
    const bodiesOf = (messages: Message[], group: string) =>
      messages.filter((m) => m.Attributes?.MessageGroupId === group).map((m) => m.Body);
    expect(held.map((m) => m.Body)).toEqual(['e1', 'e2']);
    expect(first).toHaveLength(6);
    expect(bodiesOf(first, 'c')).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(bodiesOf(first, 'd')).toEqual(['d1', 'd2']);
    expect(second).toEqual([]);
    for (const message of [...held, ...first]) await remove(EVENTS_QUEUE.name, message);
    expect(await depth(EVENTS_QUEUE.name)).toEqual({ visible: '0', inFlight: '0' });
  });

  it('takes one group’s messages before another’s, leaving the other group to the next receive', async () => {
    // Prepare: groups f and g interleaved
    for (const body of ['f1', 'g1', 'f2', 'g2', 'f3', 'g3'])
      await send(EVENTS_QUEUE.name, body[0] as string, body);

    // Act
    const first = await receive(EVENTS_QUEUE.name, 0, 3);
    const second = await receive(EVENTS_QUEUE.name, 0, 3);

    // Assess
    expect(first.map((m) => m.Body)).toEqual(['f1', 'f2', 'f3']);
    expect(second.map((m) => m.Body)).toEqual(['g1', 'g2', 'g3']);
    for (const message of [...first, ...second]) await remove(EVENTS_QUEUE.name, message);
    expect(await depth(EVENTS_QUEUE.name)).toEqual({ visible: '0', inFlight: '0' });
  });

  it('drops a message whose deduplication id was sent before, even after the first was deleted', async () => {
    // Prepare
    const first = await send(ORDERS_QUEUE.name, 'account-2', 'original', 'request-42');

    // Act
    const retry = await send(ORDERS_QUEUE.name, 'account-2', 'retry', 'request-42');
    const received = await drain(ORDERS_QUEUE.name, 1);
    const late = await send(ORDERS_QUEUE.name, 'account-2', 'late retry', 'request-42');

    // Assess
    expect(retry.MessageId).toBe(first.MessageId);
    expect(late.MessageId).toBe(first.MessageId);
    expect(received.map((message) => message.Body)).toEqual(['original']);
    expect(await depth(ORDERS_QUEUE.name)).toEqual({ visible: '0', inFlight: '0' });
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    // Prepare
    const { maxReceiveCount } = REDRIVE_QUEUE.deadLetterQueue;
    const sent = await send(REDRIVE_QUEUE.name, 'account-3', 'poison');

    // Act: receive and never delete, as a consumer that keeps failing would.
    const receiveCounts: string[] = [];
    for (let attempt = 0; attempt <= maxReceiveCount; attempt++) {
      for (const message of await receive(REDRIVE_QUEUE.name)) {
        receiveCounts.push(message.Attributes?.ApproximateReceiveCount ?? '?');
      }
    }
    const dead = await drain(REDRIVE_QUEUE.deadLetterQueue.name, 1);

    // Assess
    expect(receiveCounts).toEqual(['1', '2']);
    expect(dead.map((message) => [message.MessageId, message.Body])).toEqual([[sent.MessageId, 'poison']]);
    expect(await depth(REDRIVE_QUEUE.name)).toEqual({ visible: '0', inFlight: '0' });
  });

  it('frees its port on close', async () => {
    // Prepare
    const other = await startLocalSqs({ port: 0, queues: [] });

    // Act
    await other.close();

    // Assess
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject).listen(other.port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});
