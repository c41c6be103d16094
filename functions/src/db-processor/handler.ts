/**
 * The DB-processor Lambda: `events.fifo` → PostgreSQL (trades, orders, balances and
 * their ledger, withdrawals; candles follow from trades). Configure the event source
 * with `ReportBatchItemFailures`, batch size ≤ 10.
 *
 * Environment: `DATABASE_URL`, `PG_POOL_MAX` (see `db/pool.ts`); `EVENTS_DLQ_URL`
 * (the dead-letter queue, for bad records on their last delivery) with `SQS_ENDPOINT`
 * (local clouds) and `AWS_REGION`; `EVENTS_MAX_RECEIVE_COUNT` (the queue's redrive
 * limit, default 5); `LOG_LEVEL`.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { EVENTS_QUEUE } from '@exchange/protocol';
import type { Context, SQSBatchResponse, SQSEvent, SQSHandler } from 'aws-lambda';
import pino from 'pino';
import { database } from '../db/pool.js';
import { SqsDeadLetterQueue } from './dead-letters.js';
import { type EventsBatchOptions, processEventsBatch } from './events-batch.js';

/**
 * A handler over `options`, resolved on the first invocation (so that importing the
 * module opens no connection).
 * @example
 * const handler = createDbProcessorHandler(() => ({ db: pool, logger }));
 */
export function createDbProcessorHandler(
  options: () => EventsBatchOptions,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  let resolved: EventsBatchOptions | undefined;
  return async (event, context) => {
    resolved ??= options();
    const { response } = await processEventsBatch(event, resolved, context);
    return response;
  };
}

/** The options the deployed function runs with, from its environment. */
export function optionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): EventsBatchOptions {
  const dlqUrl = env.EVENTS_DLQ_URL;
  const endpoint = env.SQS_ENDPOINT;
  const client = new SQSClient({
    region: env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {}),
  });
  return {
    db: database(),
    logger: pino({ name: 'db-processor', level: env.LOG_LEVEL ?? 'info' }),
    ...(dlqUrl ? { deadLetters: new SqsDeadLetterQueue(client, dlqUrl) } : {}),
    maxReceiveCount: Number(env.EVENTS_MAX_RECEIVE_COUNT ?? EVENTS_QUEUE.deadLetterQueue.maxReceiveCount),
  };
}

/** The Lambda entry point. */
export const handler = createDbProcessorHandler(() => optionsFromEnvironment()) satisfies SQSHandler;
