/**
 * SQS batch throughput of the local cloud: messages per second through `orders.fifo`
 * on fauxqs, from the first SendMessageBatch to the last DeleteMessageBatch, with one
 * producer and one consumer running at once, as the API and the engine do.
 *
 * fauxqs 1.9.2 returns at most one message per message group per receive (AWS returns
 * several), so the messages are spread over many groups, as orders are over accounts;
 * otherwise each receive would bring one message and this would measure round trips,
 * not batches.
 */
import { performance } from 'node:perf_hooks';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createSqsClient, startLocalSqs } from '@exchange/localstack';
import { ORDERS_QUEUE } from '@exchange/protocol';

/** SQS's batch limit, for sends, receives and deletes alike. */
const BATCH = 10;
/** Accounts (message groups); many more than {@link BATCH} so every receive can fill up. */
const GROUPS = 100;

export interface SqsBatchThroughput {
  readonly msgsPerS: number;
  readonly messages: number;
  readonly seconds: number;
}

/**
 * Starts fauxqs on a free port, pushes `messages` order commands through it in
 * batches of ten, and stops it again.
 *
 * @example
 * const { msgsPerS } = await measureSqsBatchThroughput({ messages: 5000 });
 */
export async function measureSqsBatchThroughput(options: { messages: number }): Promise<SqsBatchThroughput> {
  const { messages } = options;
  if (!Number.isSafeInteger(messages) || messages < 1) {
    throw new RangeError(`messages must be a positive integer, got ${messages}`);
  }
  const sqs = await startLocalSqs({ port: 0, queues: [ORDERS_QUEUE] });
  const client = createSqsClient(sqs);
  try {
    const queueUrl = sqs.queueUrls[ORDERS_QUEUE.name];
    if (queueUrl === undefined) throw new Error(`${ORDERS_QUEUE.name} was not created`);
    const start = performance.now();
    let produced = false;
    await Promise.all([
      produce(client, queueUrl, messages).then(() => {
        produced = true;
      }),
      consume(client, queueUrl, messages, () => produced),
    ]);
    const seconds = (performance.now() - start) / 1000;
    return { msgsPerS: messages / seconds, messages, seconds };
  } finally {
    client.destroy();
    await sqs.close();
  }
}

/** A CREATE_ORDER command of the size the API sends. */
function command(index: number): string {
  return JSON.stringify({
    type: 'CREATE_ORDER',
    requestId: `bench-${index}`,
    accountId: `account-${index % GROUPS}`,
    market: 'SOL_USDC',
    side: index % 2 === 0 ? 'BUY' : 'SELL',
    orderType: 'LIMIT',
    timeInForce: 'GTC',
    price: (100 + (index % 50) / 100).toFixed(2),
    quantity: '1.000',
  });
}

async function produce(client: SQSClient, queueUrl: string, messages: number): Promise<void> {
  for (let first = 0; first < messages; first += BATCH) {
    const entries = [];
    for (let index = first; index < Math.min(first + BATCH, messages); index++) {
      entries.push({
        Id: String(index - first),
        MessageBody: command(index),
        MessageGroupId: `account-${index % GROUPS}`,
        MessageDeduplicationId: `bench-${index}`,
      });
    }
    const { Failed } = await client.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );
    if (Failed?.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(Failed)}`);
  }
}

async function consume(
  client: SQSClient,
  queueUrl: string,
  messages: number,
  produced: () => boolean,
): Promise<void> {
  let deleted = 0;
  while (deleted < messages) {
    const allSent = produced();
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: BATCH, WaitTimeSeconds: 1 }),
    );
    // Everything sent and nothing in flight: an empty receive means messages were lost.
    if (Messages.length === 0 && allSent) {
      throw new Error(`SQS delivered ${deleted} of ${messages} messages`);
    }
    if (Messages.length === 0) continue;
    const { Failed } = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
    if (Failed?.length) throw new Error(`DeleteMessageBatch failed: ${JSON.stringify(Failed)}`);
    deleted += Messages.length;
  }
}
