/**
 * The engine's one loop: receive a batch from `orders.fifo`, sequence and apply it,
 * journal it, delete it, publish it — one batch at a time, in that order. Nothing is
 * visible outside the engine before the journal holds it, and nothing is deleted
 * from the queue before that either, so a crash at any instant either loses the
 * batch from memory only (SQS redelivers it; the journal shows it was never
 * applied) or finds it journaled (redelivery is answered from the journal).
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { MarketRegistry, Reply } from '@exchange/protocol';
import type { Engine } from '../core/index.js';
import { type AppliedCommand, applyWireCommand } from './journal/apply-command.js';
import type { Journal } from './journal/journal.js';
import type { JournaledCommand } from './publish/journaled-command.js';

/** Where a sequenced batch goes after the journal has it. */
export interface BatchSink {
  /** Commands the engine executed in this batch, in sequence order. */
  publish(batch: readonly JournaledCommand[]): Promise<void>;
  /** Replies to publish as they are: protocol rejections and answers to redelivered requests. */
  publishReplies(replies: readonly Reply[]): Promise<void>;
}

export interface SequencerOptions {
  readonly engine: Engine;
  readonly registry: MarketRegistry;
  readonly journal: Journal;
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly sink: BatchSink;
  /** Runs inside the journal transaction before the insert: the lease's fence. */
  readonly fence?: Parameters<Journal['append']>[1];
  /** The last journaled sequence (from recovery). */
  readonly lastSeq: number;
  /** Long-poll wait; SQS's maximum, 20 s, by default. */
  readonly waitTimeSeconds?: number;
  readonly now?: () => number;
  /** Told after each batch is journaled (snapshots hang off this). */
  readonly afterJournaled?: (lastSeq: number) => void;
}

/** What one batch did. */
export interface BatchOutcome {
  readonly received: number;
  /** From receipt to published, and of that the journal append; 0 for an empty receive. */
  readonly processMs: number;
  readonly journalMs: number;
  readonly applied: number;
  readonly redelivered: number;
  readonly lastSeq: number;
}

export class Sequencer {
  private seq: number;
  /** Every journaled command up to here has been published. */
  private published: number;
  private readonly now: () => number;

  constructor(private readonly options: SequencerOptions) {
    this.seq = options.lastSeq;
    this.published = options.lastSeq;
    this.now = options.now ?? Date.now;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** The last sequence whose batch was fully published; the service makes it durable. */
  get publishedSeq(): number {
    return this.published;
  }

  /**
   * Receives and processes one batch (possibly empty). Throws if the journal write
   * fails: the engine's memory is then ahead of the journal, and the only safe move is
   * to stop and recover from the journal.
   */
  async runOnce(signal?: AbortSignal): Promise<BatchOutcome> {
    const { sqs, queueUrl, journal } = this.options;
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId', 'SequenceNumber'],
      }),
      signal === undefined ? undefined : { abortSignal: signal },
    );
    if (messages.length === 0) {
      return { received: 0, processMs: 0, journalMs: 0, applied: 0, redelivered: 0, lastSeq: this.seq };
    }
    const receivedAt = performance.now();

    const commands = messages.map(readCommand);
    const known = await journal.findByRequestIds(commands.map((c) => c.requestId));
    const applied: AppliedCommand[] = [];
    const replies: Reply[] = [];
    const inBatch = new Map<string, Reply>();
    const time = this.now();
    for (const { requestId, wire } of commands) {
      const earlier = known.get(requestId)?.reply ?? inBatch.get(requestId);
      if (earlier !== undefined) {
        // Redelivered, or sent twice: answer again, apply never.
        replies.push(earlier);
        continue;
      }
      const done = applyWireCommand(
        this.options.engine,
        this.options.registry,
        wire,
        this.seq + 1,
        time,
        requestId,
      );
      this.seq += 1;
      applied.push(done);
      inBatch.set(requestId, done.entry.reply);
      if (done.result === null) replies.push(done.entry.reply);
    }

    const journalStart = performance.now();
    await journal.append(
      applied.map((a) => a.entry),
      this.options.fence,
    );
    const journalMs = performance.now() - journalStart;
    this.options.afterJournaled?.(this.seq);
    await this.delete(messages);
    const executed: JournaledCommand[] = [];
    for (const a of applied) {
      if (a.result !== null) {
        executed.push({
          requestId: a.entry.requestId,
          accountId: a.entry.accountId as string,
          result: a.result,
        });
      }
    }
    await this.options.sink.publish(executed);
    await this.options.sink.publishReplies(replies);
    this.published = this.seq;
    return {
      received: messages.length,
      processMs: performance.now() - receivedAt,
      journalMs,
      applied: applied.length,
      redelivered: messages.length - applied.length,
      lastSeq: this.seq,
    };
  }

  private async delete(messages: readonly Message[]): Promise<void> {
    const { Failed = [] } = await this.options.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.options.queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    // A message whose delete failed comes back later and is answered from the journal.
    if (Failed.length > 0 && Failed.some((f) => f.SenderFault === true)) {
      throw new Error(`deleting ${Failed.length} journaled message(s) failed: ${Failed[0]?.Message ?? ''}`);
    }
  }
}

/** A queue message as a wire command with its request id (the deduplication id if the body has none). */
function readCommand(message: Message): { requestId: string; wire: unknown } {
  let wire: unknown;
  try {
    wire = JSON.parse(message.Body ?? '');
  } catch {
    wire = message.Body ?? null;
  }
  const fromBody =
    typeof wire === 'object' && wire !== null ? (wire as { requestId?: unknown }).requestId : undefined;
  const requestId =
    typeof fromBody === 'string' && fromBody.length > 0
      ? fromBody
      : (message.Attributes?.MessageDeduplicationId ?? message.MessageId ?? 'unknown');
  return { requestId, wire };
}
