/**
 * Unit tests of the sequencer's outbox (no network): committed batches without
 * messages (so no delete is sent) and a sink whose publications the test completes
 * by hand.
 */
import { SqsJsonClient } from '@exchange/sqs-client';
import {
  type BatchOutcome,
  type Committed,
  MAX_OUTBOX,
  Outbox,
} from '../../../src/runtime/sequencer/outbox.js';
import { WakeUps } from '../../../src/runtime/sequencer/wake-ups.js';

/** A sink whose sends complete (or fail) when the test says. */
class GatedSink {
  readonly sends: number[][] = [];
  private readonly gates: { open: () => void; fail: (error: unknown) => void }[] = [];

  prepare(): number {
    throw new Error('the outbox never prepares');
  }

  send(prepared: readonly number[]): Promise<void> {
    this.sends.push([...prepared]);
    return new Promise((open, fail) => this.gates.push({ open, fail }));
  }

  open(): void {
    this.gates.shift()?.open();
  }

  fail(error: unknown): void {
    this.gates.shift()?.fail(error);
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Batch `seq`: one command, prepared as its seq. */
function committed(seq: number): Committed<number> {
  return { messages: [], prepared: seq, receivedAt: 0, applied: 1, lastSeq: seq, journalMs: 0 };
}

let queue: SqsJsonClient;
beforeAll(() => {
  // Never called: the batches hold no messages to delete.
  queue = new SqsJsonClient({
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(() => queue.close());

function outboxOver(
  sink: GatedSink & {
    sendAlso?: readonly ((prepared: readonly number[]) => Promise<void>)[];
    gatherMs?: number;
  },
) {
  const failures: unknown[] = [];
  const outbox = new Outbox<number>({
    queue,
    queueUrl: 'unused',
    sink,
    publishedSeq: 0,
    wakeUps: new WakeUps(),
    failed: () => failures.length > 0,
    fail: (error) => failures.push(error),
  });
  const published: BatchOutcome[] = [];
  outbox.onPublished = (outcome) => published.push(outcome);
  return { outbox, failures, published };
}

describe('the sequencer’s outbox', () => {
  it('publishes in order, coalescing the batches that committed during a publication into one send', async () => {
    // Prepare
    const sink = new GatedSink();
    const { outbox, published } = outboxOver(sink);

    // Act
    outbox.add(committed(1));
    outbox.add(committed(2));
    outbox.add(committed(3));
    await settle();
    const whileFirst = outbox.publishedSeq;
    sink.open();
    await settle();
    sink.open();
    await settle();

    // Assess
    expect(whileFirst).toBe(0);
    expect(sink.sends).toEqual([[1], [2, 3]]);
    expect(published.map((p) => p.lastSeq)).toEqual([1, 2, 3]);
    expect(outbox.publishedSeq).toBe(3);
    expect(outbox.sending).toBeNull();
  });

  it('holds sequencing back while the outbox is full behind a publication, and lets it go after', async () => {
    // Prepare: one publication under way
    const sink = new GatedSink();
    const { outbox } = outboxOver(sink);
    outbox.add(committed(1));
    await settle();

    // Act
    const blockedAt: number[] = [];
    for (let seq = 2; seq <= MAX_OUTBOX + 1; seq++) {
      if (outbox.blocking !== null) blockedAt.push(seq);
      outbox.add(committed(seq));
    }
    const full = outbox.blocking;
    sink.open();
    await settle();
    const afterFirst = outbox.blocking;
    sink.open();
    await full;

    // Assess: the waiting batches went out together in the next send
    expect(blockedAt).toEqual([]);
    expect(full).not.toBeNull();
    expect(afterFirst).toBeNull();
    expect(sink.sends[1]).toEqual(Array.from({ length: MAX_OUTBOX }, (_, i) => i + 2));
    expect(outbox.publishedSeq).toBe(MAX_OUTBOX + 1);
  });

  it('reports a failed publication, does not count it as published, and publishes nothing after it', async () => {
    // Prepare
    const sink = new GatedSink();
    const { outbox, failures, published } = outboxOver(sink);
    const redisDown = new Error('redis down');
    outbox.add(committed(1));
    await settle();

    // Act
    outbox.add(committed(2));
    sink.fail(redisDown);
    await settle();
    outbox.add(committed(3));
    await settle();

    // Assess
    expect(failures).toEqual([redisDown]);
    expect(sink.sends).toEqual([[1]]);
    expect(published).toEqual([]);
    expect(outbox.publishedSeq).toBe(0);
    expect(outbox.sending).toBeNull();
  });

  it('lets each lane publish at its own pace, counting a batch published once every lane has it', async () => {
    // Prepare: Redis (send) and the events queue (sendAlso), gated apart
    const redis = new GatedSink();
    const events = new GatedSink();
    const { outbox, published } = outboxOver(
      Object.assign(redis, { sendAlso: [(p: readonly number[]) => events.send(p)] }),
    );
    outbox.add(committed(1));
    outbox.add(committed(2));
    await settle();

    // Act: Redis goes through both batches while the queue is still on the first
    redis.open();
    await settle();
    redis.open();
    await settle();
    const whileQueueBehind = { sends: redis.sends, publishedSeq: outbox.publishedSeq };
    events.open();
    await settle();
    const afterFirst = published.map((p) => p.lastSeq);
    events.open();
    await settle();

    // Assess
    expect(whileQueueBehind).toEqual({ sends: [[1], [2]], publishedSeq: 0 });
    expect(events.sends).toEqual([[1], [2]]);
    expect(afterFirst).toEqual([1]);
    expect(published.map((p) => p.lastSeq)).toEqual([1, 2]);
    expect(outbox.publishedSeq).toBe(2);
  });

  it('lets an idle events lane gather for gatherMs, while the replies go at once', async () => {
    // Prepare
    const redis = new GatedSink();
    const events = new GatedSink();
    const { outbox } = outboxOver(
      Object.assign(redis, { sendAlso: [(p: readonly number[]) => events.send(p)], gatherMs: 40 }),
    );

    // Act: three batches commit within the window
    outbox.add(committed(1));
    await settle();
    const redisFirst = redis.sends.map((s) => [...s]);
    outbox.add(committed(2));
    outbox.add(committed(3));
    await settle();
    const eventsWhileGathering = events.sends.length;
    await new Promise((resolve) => setTimeout(resolve, 80));

    // Assess
    expect(redisFirst).toEqual([[1]]);
    expect(eventsWhileGathering).toBe(0);
    expect(events.sends).toEqual([[1, 2, 3]]);
  });

  it('ends the gathering early once half the outbox waits, so sequencing never pauses on it', async () => {
    // Prepare: a window far longer than the test
    const redis = new GatedSink();
    const events = new GatedSink();
    const { outbox } = outboxOver(
      Object.assign(redis, { sendAlso: [(p: readonly number[]) => events.send(p)], gatherMs: 60_000 }),
    );
    const half = MAX_OUTBOX / 2;

    // Act
    for (let seq = 1; seq < half; seq++) outbox.add(committed(seq));
    await settle();
    const beforeHalf = events.sends.length;
    outbox.add(committed(half));
    await settle();

    // Assess
    expect(beforeHalf).toBe(0);
    expect(events.sends).toEqual([Array.from({ length: half }, (_, i) => i + 1)]);
    expect(outbox.blocking).toBeNull();
  });
});
