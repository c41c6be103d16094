/**
 * The SQS → Lambda poller as a process of its own (`npm start` runs the DB processor
 * this way). In AWS an event source mapping shares no fate with API Gateway: a handler
 * that crashes or hangs must not take the REST API down with it, and the poller must
 * be restartable alone.
 *
 * Usage: `node --import tsx event-source-process.ts <queue url> <handler module> [function name]`;
 * the module's `handler` export gets each batch. From the environment: `SQS_ENDPOINT`,
 * `AWS_REGION`, `EVENT_SOURCE_WAIT_SECONDS` (long-poll wait, default 2: a stop waits
 * for at most one receive), `EVENT_SOURCE_HOLD_SECONDS` (how long a batch is held
 * while handled, default 5: a killed poller's batch comes back that soon, see
 * `sqs-event-source.ts`) and `EVENT_SOURCE_MAX_CONCURRENCY` (batches handled at once,
 * each group in order, default 5). SIGTERM/SIGINT: the batches in hand are finished
 * and their messages deleted, then the process exits 0.
 *
 * Receives and deletes go through one `SqsJsonClient` shared by the lanes (SQS's JSON
 * protocol without the SDK's per-call machinery, as the engine's); the SDK client does
 * the rest (the queue's attributes, visibility changes).
 */
import { DEFAULT_SQS_ENDPOINT } from '@exchange/protocol';
import { SqsJsonClient } from '@exchange/sqs-client';
import { createSqsClient } from '../sqs/index.js';
import { type SqsBatchHandler, SqsEventSource } from './sqs-event-source.js';

const [queueUrl, handlerModule, functionName] = process.argv.slice(2);
if (queueUrl === undefined || handlerModule === undefined) {
  console.error('usage: event-source-process.ts <queue url> <handler module> [function name]');
  process.exit(2);
}

const { handler } = (await import(handlerModule)) as { handler: SqsBatchHandler };
const sqs = {
  endpoint: process.env.SQS_ENDPOINT ?? DEFAULT_SQS_ENDPOINT,
  region: process.env.AWS_REGION ?? 'us-east-1',
};
const client = createSqsClient(sqs);
const batchClient = new SqsJsonClient({ ...sqs, credentials: client.config.credentials });
const source = new SqsEventSource({
  client,
  batchClient,
  queueUrl,
  handler,
  ...(functionName === undefined ? {} : { functionName }),
  waitTimeSeconds: Number(process.env.EVENT_SOURCE_WAIT_SECONDS || 2),
  holdSeconds: Number(process.env.EVENT_SOURCE_HOLD_SECONDS || 5),
  maxConcurrency: Number(process.env.EVENT_SOURCE_MAX_CONCURRENCY || 5),
  onError: (error) =>
    console.error(`batch failed: ${error instanceof Error ? error.message : String(error)}`),
});
source.start();
console.log(`polling ${queueUrl.split('/').at(-1)} for ${functionName ?? handlerModule}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void source.stop().then(async () => {
      client.destroy();
      await batchClient.close();
      process.exit(0);
    });
  });
}
