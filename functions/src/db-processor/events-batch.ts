/**
 * One `events.fifo` batch → PostgreSQL, with FIFO partial-failure semantics.
 *
 * 1. Parse and validate every record in order with Powertools'
 *    `SqsFifoPartialProcessorAsync`: at the first bad record it stops and reports
 *    that record and every later one as failed. A bad record on its last delivery
 *    (`ApproximateReceiveCount ≥ maxReceiveCount`) is instead handed to the
 *    dead-letter sink and counted as done, so processing goes on past it.
 * 2. Write the events of the good prefix in one statement (one transaction). A
 *    database that is unreachable for a moment (a restart, a failover) is waited for
 *    within the invocation, retrying with backoff while time remains: the records
 *    would otherwise come back only after the queue's visibility timeout, and history
 *    would lag a minute behind a restart of a few seconds. If the write still fails,
 *    every record of the batch is reported as failed.
 * 3. Forward the dead letters (after the write, so none is forwarded for a batch that
 *    is retried anyway). If that fails, the record and all after it are reported.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { EVENTS_QUEUE, type Event } from '@exchange/protocol';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { isDependencyFailure } from '../db/dependency-errors.js';
import type { Queryable } from '../history/queryable.js';
import type { DeadLetterSink } from './dead-letters.js';
import { parseEventsRecord } from './event-records.js';
import { rowsOf } from './rows.js';
import { writeRows } from './writer.js';

/** The few logger calls the processor makes; a pino logger is one. */
export interface ProcessorLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface EventsBatchOptions {
  readonly db: Queryable;
  readonly logger: ProcessorLogger;
  /**
   * Takes bad records on their last delivery. Without one, a bad record is reported
   * as failed every time and SQS's redrive policy moves it (and, being received as
   * often, the records behind it in its batches) to the dead-letter queue.
   */
  readonly deadLetters?: DeadLetterSink;
  /** The queue's redrive `maxReceiveCount`. Default: `EVENTS_QUEUE`'s, 5. */
  readonly maxReceiveCount?: number;
}

/** What one batch did, for logs and tests. */
export interface EventsBatchOutcome {
  readonly response: SQSBatchResponse;
  /** Message ids of the records whose events were written now. */
  readonly written: readonly string[];
  /** Message ids handed to the dead-letter sink. */
  readonly deadLettered: readonly string[];
  readonly events: number;
}

/**
 * Processes one batch; never throws (a failure is reported as `batchItemFailures`).
 * @example
 * const { response } = await processEventsBatch(event, { db: database(), logger });
 */
export async function processEventsBatch(
  event: SQSEvent,
  options: EventsBatchOptions,
  context?: Context,
): Promise<EventsBatchOutcome> {
  const { logger } = options;
  const maxReceiveCount = options.maxReceiveCount ?? EVENTS_QUEUE.deadLetterQueue.maxReceiveCount;
  const records = event.Records;
  const accepted: { record: SQSRecord; events: Event[] }[] = [];
  const deadLetters: { record: SQSRecord; reason: string }[] = [];

  const parseRecord = async (record: SQSRecord): Promise<void> => {
    try {
      accepted.push({ record, events: parseEventsRecord(record.body) });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      const fields = { messageId: record.messageId, receiveCount, maxReceiveCount, reason };
      if (options.deadLetters !== undefined && receiveCount >= maxReceiveCount) {
        logger.error(fields, 'bad events record: last delivery, moving it to the dead-letter queue');
        deadLetters.push({ record, reason });
        return;
      }
      logger.warn(fields, 'bad events record: it and every later record of the batch left for redelivery');
      throw error;
    }
  };
  const parsed = await processPartialResponse(event, parseRecord, new SqsFifoPartialProcessorAsync(), {
    ...(context === undefined ? {} : { context }),
    throwOnFullBatchFailure: false,
  });

  const events = accepted.flatMap((a) => a.events);
  if (events.length > 0) {
    try {
      await writeWhileReachable(options, rowsOf(events), context);
    } catch (error) {
      logger.error(
        { err: error, records: records.length },
        'writing the batch failed; all of it left for redelivery',
      );
      return { response: failuresFrom(records, 0), written: [], deadLettered: [], events: 0 };
    }
  }

  let firstFailure = records.findIndex((r) =>
    parsed.batchItemFailures.some((f) => f.itemIdentifier === r.messageId),
  );
  const forwarded: string[] = [];
  for (const { record, reason } of deadLetters) {
    try {
      await options.deadLetters?.send(record, reason);
      forwarded.push(record.messageId);
    } catch (error) {
      logger.error({ err: error, messageId: record.messageId }, 'dead-letter queue refused a record');
      const index = records.indexOf(record);
      if (firstFailure === -1 || index < firstFailure) firstFailure = index;
      break;
    }
  }
  return {
    response: failuresFrom(records, firstFailure),
    written: accepted.map((a) => a.record.messageId),
    deadLettered: forwarded,
    events: events.length,
  };
}

/** Longest wait for the database within one invocation, when the context does not bound it. */
const MAX_DATABASE_WAIT_MS = 8_000;
/** Kept back from the function's remaining time for the response. */
const RESPONSE_MARGIN_MS = 1_000;

/**
 * Writes the rows, retrying (200 ms doubling to 1 s) while the failure is the database
 * being unreachable and the invocation has time left. The write is idempotent, so a
 * retry after an unknown outcome is safe.
 */
async function writeWhileReachable(
  options: EventsBatchOptions,
  rows: ReturnType<typeof rowsOf>,
  context: Context | undefined,
): Promise<void> {
  const budget = Math.min(
    MAX_DATABASE_WAIT_MS,
    (context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY) - RESPONSE_MARGIN_MS,
  );
  const deadline = Date.now() + budget;
  for (let pause = 200; ; pause = Math.min(pause * 2, 1_000)) {
    try {
      await writeRows(options.db, rows);
      return;
    } catch (error) {
      if (!isDependencyFailure(error) || Date.now() + pause > deadline) throw error;
      options.logger.warn({ err: error, retryInMs: pause }, 'database unreachable: retrying the write');
      await sleep(pause);
    }
  }
}

/** Reports `records[from]` and every later record; nothing when `from` is -1. */
function failuresFrom(records: readonly SQSRecord[], from: number): SQSBatchResponse {
  if (from < 0) return { batchItemFailures: [] };
  return { batchItemFailures: records.slice(from).map((r) => ({ itemIdentifier: r.messageId })) };
}
