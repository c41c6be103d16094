/**
 * The API's side of `orders.fifo`: one lean SQS client per function instance
 * (`@exchange/sqs-client`: SQS's JSON protocol, no SDK per call) and the queue's URL,
 * resolved once.
 */
import { type Command, DEFAULT_SQS_ENDPOINT, ORDERS_QUEUE } from '@exchange/protocol';
import { SqsJsonClient } from '@exchange/sqs-client';

/** How long one send attempt may take before it counts as failed (SQS is then unreachable: 503). */
export const SEND_TIMEOUT_MS = 3000;

let client: SqsJsonClient | undefined;
let queueUrl: Promise<string> | undefined;

/**
 * The shared client on `SQS_ENDPOINT` (always explicit: the regional endpoint in AWS,
 * fauxqs locally) in `AWS_REGION`, signing with the function role's credentials from
 * the environment; locally any credentials do.
 */
export function sqs(): SqsJsonClient {
  if (client === undefined) {
    const endpoint = process.env.SQS_ENDPOINT || DEFAULT_SQS_ENDPOINT;
    const local = !endpoint.includes('amazonaws.com');
    client = new SqsJsonClient({
      endpoint,
      region: process.env.AWS_REGION || 'us-east-1',
      timeoutMs: SEND_TIMEOUT_MS,
      ...(local ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
  }
  return client;
}

/** `ORDERS_QUEUE_URL`, or the URL of the queue named `ORDERS_QUEUE` (default `orders.fifo`). */
function ordersQueueUrl(): Promise<string> {
  const configured = process.env.ORDERS_QUEUE_URL;
  if (configured) return Promise.resolve(configured);
  if (queueUrl === undefined) {
    const lookup = sqs().getQueueUrl(process.env.ORDERS_QUEUE || ORDERS_QUEUE.name);
    queueUrl = lookup;
    // A failed lookup is retried by the next call rather than cached.
    lookup.catch(() => {
      if (queueUrl === lookup) queueUrl = undefined;
    });
  }
  return queueUrl;
}

/**
 * Enqueues a command: group = its account (one account's commands stay in order),
 * deduplication id = its request id (a retried send within five minutes is dropped
 * by SQS; the engine's journal catches any later repeat).
 * @throws SqsCallError when SQS refuses or cannot be reached (after the client's retries)
 */
export async function enqueueCommand(command: Command): Promise<void> {
  await sqs().sendMessage({
    QueueUrl: await ordersQueueUrl(),
    MessageBody: JSON.stringify(command),
    MessageGroupId: command.accountId,
    MessageDeduplicationId: command.requestId,
  });
}

/** Drops the shared client (tests switching endpoints); its connections close in the background. */
export function resetOrdersQueue(): void {
  client?.close().catch(() => {});
  client = undefined;
  queueUrl = undefined;
}
