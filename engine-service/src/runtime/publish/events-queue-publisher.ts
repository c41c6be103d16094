/**
 * Sends the engine's persistence events to `events.fifo`, for the DB processor.
 *
 * **Unit.** A message holds a JSON array of the `ORDER`, `TRADE`, `BALANCE` and
 * `WITHDRAWAL` wire events of consecutive accepted commands of one message group, in
 * the engine's order, each carrying its `seq`. `DEPTH` diffs are market data, not
 * persisted. A rejected command has no events. {@link eventsMessagesOf} makes one
 * message per group of a journal batch; {@link packMessages} joins a group's messages
 * of the batches one publication carries, up to {@link MAX_MESSAGE_BYTES}. A batch's
 * events that pass that size on their own (a `CANCEL_ALL` of thousands of orders) are
 * split into parts, in order. Packing commands per group, rather than one message per
 * command, cut the messages by about seven, and across the batches of a publication by
 * as many again under load: with them go most of the SQS calls of the engine, of the
 * queue and of the DB processor, whose every invocation is one write.
 *
 * **Deduplication.** `MessageDeduplicationId` = the first and last sequence of the
 * message's commands (`"40-57"`), with the part index for a split message
 * (`"40-57.0"`, `"40-57.1"`). Each sequence is in one group and one publication, so no
 * two messages share an id. A restart republishes the journaled commands it cannot be
 * sure were published, packed as its own publication: a command published before the
 * crash may come again under another id, and the DB processor's writes, idempotent by
 * `seq`, make that harmless (as they do for anything SQS's five-minute window lets
 * through).
 *
 * **Grouping.** A command's group is `market:{market}` when it has events in a market
 * (orders, cancels: every `ORDER` and `TRADE` event of a market), else
 * `account:{accountId}` (deposits and withdrawals). So an order's whole life and a
 * market's trades arrive in order in one group, one account's withdrawals in
 * another, and groups are processed in parallel. A balance can change in both kinds
 * of group; every `BALANCE` event carries `available`/`locked` after the command and
 * its `seq`, so the DB processor keeps the one with the highest `seq` (a
 * seq-guarded upsert), and inserts the deltas keyed by `seq` for the history.
 *
 * **Failures.** Batches go out one after another. Entries SQS reports as failed are
 * sent again (backing off) before the next batch, so a retried message can land
 * after later messages of its own batch but never after a later batch; entries SQS
 * blames on the sender (`SenderFault`) are not retried. What still fails throws
 * {@link EventsQueuePublishError}: the caller must not go on (the journal holds the
 * events; publishing again from it is safe thanks to the deduplication ids).
 */
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { Event, MarketRegistry } from '@exchange/protocol';
import { toWireEvents } from '@exchange/protocol';
import type { QueueClient } from '@exchange/sqs-client';
import type { JournaledCommand } from './journaled-command.js';

/** SQS's limit of entries per `SendMessageBatch`. */
export const MAX_BATCH_ENTRIES = 10;
/** SQS's limit of one batch's total payload: 256 KiB. */
export const MAX_BATCH_BYTES = 262_144;
/** Largest body of one message before a command's events are split; four fit in a batch. */
export const MAX_MESSAGE_BYTES = 65_536;

/** One message for `events.fifo`. */
export interface EventsMessage {
  readonly groupId: string;
  readonly deduplicationId: string;
  /** JSON array of wire events. */
  readonly body: string;
  /** The body's size in UTF-8 bytes. */
  readonly bytes: number;
  /** The sequences of its first and last command. */
  readonly first: number;
  readonly last: number;
  /** Set on the parts of a message split by size. */
  readonly part?: number;
}

/** Persistence events that SQS did not take. */
export class EventsQueuePublishError extends Error {
  override readonly name = 'EventsQueuePublishError';
  constructor(
    message: string,
    /** Deduplication ids of the messages not sent. */
    readonly deduplicationIds: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The one call the publisher makes. */
export type BatchSender = Pick<QueueClient, 'sendMessageBatch'>;

export interface EventsQueuePublisherOptions {
  /** `events.fifo`'s client: an {@link SqsJsonClient}, or an SDK client through `sdkQueueClient`. */
  readonly client: BatchSender;
  /** URL of `events.fifo`. */
  readonly queueUrl: string;
  readonly registry: MarketRegistry;
  /** Attempts per batch, the first included. Default 5. */
  readonly maxAttempts?: number;
  /** Wait before the first retry; doubles each time. Default 50 ms. */
  readonly retryDelayMs?: number;
  /** Default {@link MAX_MESSAGE_BYTES}. */
  readonly maxMessageBytes?: number;
}

/**
 * The messages of a journaled batch, in order: pure, so what is sent is decided
 * before any I/O.
 */
export function eventsMessagesOf(
  batch: readonly JournaledCommand[],
  registry: MarketRegistry,
  maxMessageBytes = MAX_MESSAGE_BYTES,
): EventsMessage[] {
  // Group → its events and the sequences of its first and last command, in first-seen order.
  const groups = new Map<string, { events: Event[]; first: number; last: number }>();
  for (const { accountId, result } of batch) {
    const events = toWireEvents(result, registry).filter((e) => e.type !== 'DEPTH');
    if (events.length === 0) continue;
    const groupId = groupOf(events, accountId);
    const group = groups.get(groupId);
    if (group === undefined) groups.set(groupId, { events, first: result.seq, last: result.seq });
    else {
      group.events.push(...events);
      group.last = result.seq;
    }
  }
  const messages: EventsMessage[] = [];
  for (const [groupId, { events, first, last }] of groups) {
    const range = `${first}-${last}`;
    const parts = split(events, maxMessageBytes);
    if (parts.length === 1)
      messages.push({ groupId, deduplicationId: range, ...(parts[0] as Part), first, last });
    else
      parts.forEach(({ body, bytes }, part) => {
        messages.push({ groupId, deduplicationId: `${range}.${part}`, body, bytes, first, last, part });
      });
  }
  return messages;
}

/**
 * Several batches' messages, in order, packed: each message joins the group's message
 * before it while their bodies together stay within `maxMessageBytes` (the parts of a
 * split message stay as they are). Pure; one group's events keep their order.
 * @example packMessages([{ groupId: 'm', first: 1, last: 2, … }, { groupId: 'm', first: 3, last: 3, … }]) // one message "1-3"
 */
export function packMessages(
  messages: readonly EventsMessage[],
  maxMessageBytes = MAX_MESSAGE_BYTES,
): EventsMessage[] {
  const packed: EventsMessage[] = [];
  // Group → index in `packed` of its last message.
  const lastOf = new Map<string, number>();
  for (const message of messages) {
    const index = lastOf.get(message.groupId);
    const before = index === undefined ? undefined : (packed[index] as EventsMessage);
    // Joined, "[a]" and "[b]" become "[a,b]": one byte less than the two.
    const bytes = (before?.bytes ?? 0) + message.bytes - 1;
    if (
      before !== undefined &&
      before.part === undefined &&
      message.part === undefined &&
      bytes <= maxMessageBytes
    ) {
      packed[index as number] = {
        groupId: message.groupId,
        deduplicationId: `${before.first}-${message.last}`,
        body: `${before.body.slice(0, -1)},${message.body.slice(1)}`,
        bytes,
        first: before.first,
        last: message.last,
      };
      continue;
    }
    lastOf.set(message.groupId, packed.length);
    packed.push(message);
  }
  return packed;
}

function groupOf(events: readonly Event[], accountId: string): string {
  for (const event of events) {
    if (event.type === 'ORDER' || event.type === 'TRADE') return `market:${event.market}`;
  }
  return `account:${accountId}`;
}

/** A JSON array of events and its size in bytes. */
interface Part {
  readonly body: string;
  readonly bytes: number;
}

/** JSON arrays of consecutive events, each at most `maxBytes` unless one event alone is larger. */
function split(events: readonly Event[], maxBytes: number): Part[] {
  const parts: Part[] = [];
  let current: string[] = [];
  // "[" and "]", and a comma before each event but the first.
  let bytes = 1;
  for (const event of events) {
    const json = JSON.stringify(event);
    const size = Buffer.byteLength(json) + 1;
    if (current.length > 0 && bytes + size > maxBytes) {
      parts.push({ body: `[${current.join(',')}]`, bytes });
      current = [];
      bytes = 1;
    }
    current.push(json);
    bytes += size;
  }
  parts.push({ body: `[${current.join(',')}]`, bytes });
  return parts;
}

/** Consecutive messages in batches of at most 10 entries and 256 KiB. */
function batchesOf(messages: readonly EventsMessage[]): EventsMessage[][] {
  const batches: EventsMessage[][] = [];
  let current: EventsMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = message.bytes;
    if (current.length === MAX_BATCH_ENTRIES || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Publishes journaled batches' persistence events to `events.fifo`.
 *
 * @example
 * const client = new SqsJsonClient({ endpoint, region, credentials });
 * const publisher = new EventsQueuePublisher({ client, queueUrl, registry });
 * await publisher.publish(batch);
 */
export class EventsQueuePublisher {
  private readonly client: BatchSender;
  private readonly queueUrl: string;
  private readonly registry: MarketRegistry;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private readonly maxMessageBytes: number;

  constructor(options: EventsQueuePublisherOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.registry = options.registry;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.maxMessageBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  }

  /**
   * Packs one journal batch ({@link eventsMessagesOf}) and sends its messages.
   * @returns how many messages were sent
   * @throws EventsQueuePublishError when a message could not be sent
   */
  async publish(batch: readonly JournaledCommand[]): Promise<number> {
    const messages = eventsMessagesOf(batch, this.registry, this.maxMessageBytes);
    await this.publishMessages(messages);
    return messages.length;
  }

  /**
   * Sends messages already packed (several batches' at once, in order), ten at a time.
   * @throws EventsQueuePublishError when a message could not be sent
   */
  async publishMessages(messages: readonly EventsMessage[]): Promise<void> {
    for (const entries of batchesOf(messages)) await this.send(entries);
  }

  private async send(messages: readonly EventsMessage[]): Promise<void> {
    let pending: SendMessageBatchRequestEntry[] = messages.map((m, index) => ({
      Id: String(index),
      MessageBody: m.body,
      MessageGroupId: m.groupId,
      MessageDeduplicationId: m.deduplicationId,
    }));
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await sleep(this.retryDelayMs * 2 ** (attempt - 2));
      let failed: {
        Id?: string | undefined;
        SenderFault?: boolean | undefined;
        Message?: string | undefined;
      }[];
      try {
        const out = await this.client.sendMessageBatch({ QueueUrl: this.queueUrl, Entries: pending });
        failed = out.Failed ?? [];
      } catch (error) {
        lastError = error;
        continue;
      }
      if (failed.length === 0) return;
      const failedIds = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => failedIds.has(e.Id));
      const senderFault = failed.find((f) => f.SenderFault === true);
      if (senderFault !== undefined) {
        throw new EventsQueuePublishError(
          `events.fifo refused a message: ${senderFault.Message ?? 'sender fault'}`,
          pending.map((e) => e.MessageDeduplicationId ?? ''),
        );
      }
      lastError = new Error(failed.map((f) => f.Message).join('; '));
    }
    throw new EventsQueuePublishError(
      `events.fifo did not take ${pending.length} message(s) in ${this.maxAttempts} attempts`,
      pending.map((e) => e.MessageDeduplicationId ?? ''),
      { cause: lastError },
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
