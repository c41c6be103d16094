/**
 * The API's side of `orders.fifo`: one SQS client per function instance and the
 * queue's URL, resolved once.
 */
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Command, ORDERS_QUEUE } from '@exchange/protocol';

/** The local cloud's SQS endpoint (fauxqs), used when `SQS_ENDPOINT` is unset. */
export const DEFAULT_SQS_ENDPOINT = 'http://127.0.0.1:4566';

let client: SQSClient | undefined;
let queueUrl: Promise<string> | undefined;

/**
 * The shared client on `SQS_ENDPOINT` (always explicit: the regional endpoint in AWS,
 * fauxqs locally) in `AWS_REGION`. Locally any credentials do.
 */
export function sqs(): SQSClient {
  if (client === undefined) {
    const endpoint = process.env.SQS_ENDPOINT || DEFAULT_SQS_ENDPOINT;
    const local = !endpoint.includes('amazonaws.com');
    client = new SQSClient({
      endpoint,
      region: process.env.AWS_REGION || 'us-east-1',
      useQueueUrlAsEndpoint: false,
      // No MD5 of each body: the transport (TLS in AWS, loopback locally) guards the bytes,
      // and every order pays for it otherwise.
      md5: false,
      ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
    // Per-call middleware that does nothing useful here (a logger that logs nothing, the
    // user agent, recursion detection) costs CPU on every order.
    for (const name of ['loggerMiddleware', 'getUserAgentMiddleware', 'recursionDetectionMiddleware']) {
      client.middlewareStack.remove(name);
    }
  }
  return client;
}

/** `ORDERS_QUEUE_URL`, or the URL of the queue named `ORDERS_QUEUE` (default `orders.fifo`). */
function ordersQueueUrl(): Promise<string> {
  const configured = process.env.ORDERS_QUEUE_URL;
  if (configured) return Promise.resolve(configured);
  queueUrl ??= sqs()
    .send(new GetQueueUrlCommand({ QueueName: process.env.ORDERS_QUEUE || ORDERS_QUEUE.name }))
    .then((out) => out.QueueUrl as string);
  // A failed lookup is retried by the next call rather than cached.
  queueUrl.catch(() => {
    queueUrl = undefined;
  });
  return queueUrl;
}

/**
 * Enqueues a command: group = its account (one account's commands stay in order),
 * deduplication id = its request id (a retried send within five minutes is dropped
 * by SQS; the engine's journal catches any later repeat).
 */
export async function enqueueCommand(command: Command): Promise<void> {
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: await ordersQueueUrl(),
      MessageBody: JSON.stringify(command),
      MessageGroupId: command.accountId,
      MessageDeduplicationId: command.requestId,
    }),
  );
}

/** Drops the shared client (tests switching endpoints). */
export function resetOrdersQueue(): void {
  client?.destroy();
  client = undefined;
  queueUrl = undefined;
}
