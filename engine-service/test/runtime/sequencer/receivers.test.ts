/**
 * Unit tests of the sequencer's receivers (no network): the receive is a function the
 * test answers by hand, so every step is decided by the test, not by timing.
 */
import type { Message } from '@aws-sdk/client-sqs';
import { MAX_INBOX, MAX_MERGED_RECEIVES, Receivers } from '../../../src/runtime/sequencer/receivers.js';
import { WakeUps } from '../../../src/runtime/sequencer/wake-ups.js';

/** Receives the test answers one at a time, oldest first. */
class HandAnsweredQueue {
  readonly pending: { answer: (messages: Message[]) => void; fail: (error: unknown) => void }[] = [];
  private next = 0;

  receive = (signal: AbortSignal): Promise<Message[]> =>
    new Promise((answer, fail) => {
      this.pending.push({ answer, fail });
      signal.addEventListener('abort', () => fail(signal.reason), { once: true });
    });

  /** Answers the oldest pending receive with one message numbered in order. */
  answerOne(): void {
    const oldest = this.pending.shift();
    if (oldest === undefined) throw new Error('no receive is pending');
    this.next += 1;
    oldest.answer([{ MessageId: `m-${this.next}` }]);
  }
}

/** Lets every settled promise run its reactions. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function start(queue: HandAnsweredQueue, count: number) {
  const signal = new AbortController();
  const cut = new AbortController();
  const errors: unknown[] = [];
  const receivers = new Receivers({
    receive: queue.receive,
    count,
    signal: signal.signal,
    cut: cut.signal,
    wakeUps: new WakeUps(),
    onError: (error) => errors.push(error),
  });
  return { receivers, signal, cut, errors };
}

const ids = (messages: readonly Message[] | undefined) => messages?.map((m) => m.MessageId);

describe('the sequencer’s receivers', () => {
  it('keeps as many receives in flight as asked, and asks again as each comes back', async () => {
    // Prepare
    const queue = new HandAnsweredQueue();
    const { receivers, cut } = start(queue, 4);

    // Act
    await settle();
    const atStart = queue.pending.length;
    queue.answerOne();
    await settle();

    // Assess
    expect(atStart).toBe(4);
    expect(queue.pending).toHaveLength(4);
    expect(receivers.waiting).toBe(1);
    cut.abort();
    await receivers.finished();
  });

  it('merges the receives that waited into one batch, oldest first, at most the merge limit', async () => {
    // Prepare: more receives waiting than one batch merges
    const queue = new HandAnsweredQueue();
    const { receivers, cut } = start(queue, 4);
    await settle();
    for (let i = 0; i < MAX_MERGED_RECEIVES + 2; i++) {
      queue.answerOne();
      await settle();
    }

    // Act
    const first = receivers.take();
    const second = receivers.take();
    const third = receivers.take();

    // Assess
    expect(ids(first?.messages)).toEqual(Array.from({ length: MAX_MERGED_RECEIVES }, (_, i) => `m-${i + 1}`));
    expect(ids(second?.messages)).toEqual([`m-${MAX_MERGED_RECEIVES + 1}`, `m-${MAX_MERGED_RECEIVES + 2}`]);
    expect(third).toBeUndefined();
    expect(first?.receivedAt).toBeLessThanOrEqual(second?.receivedAt as number);
    cut.abort();
    await receivers.finished();
  });

  it('stops asking while the inbox is full, and asks again once a batch is taken', async () => {
    // Prepare: nobody takes; every receive that is asked is answered
    const queue = new HandAnsweredQueue();
    const { receivers, cut } = start(queue, 4);
    await settle();

    // Act: answer until no receiver asks any more
    let answered = 0;
    while (queue.pending.length > 0) {
      queue.answerOne();
      answered += 1;
      await settle();
    }
    const full = receivers.waiting;
    receivers.take();
    await settle();

    // Assess: each receiver checks before it asks, so the ones in flight may overshoot by count − 1
    expect(full).toBe(answered);
    expect(full).toBeGreaterThanOrEqual(MAX_INBOX);
    expect(full).toBeLessThanOrEqual(MAX_INBOX + 3);
    expect(queue.pending).toHaveLength(4);
    cut.abort();
    await receivers.finished();
  });

  it('reports a failed receive, and stops that receiver only', async () => {
    // Prepare
    const queue = new HandAnsweredQueue();
    const { receivers, errors, cut } = start(queue, 2);
    await settle();
    const failure = new Error('queue unreachable');

    // Act
    queue.pending.shift()?.fail(failure);
    await settle();

    // Assess
    expect(errors).toEqual([failure]);
    expect(receivers.stopped).toBe(false);
    expect(queue.pending).toHaveLength(1);
    cut.abort();
    await receivers.finished();
    expect(receivers.stopped).toBe(true);
  });

  it('does not report the receives a cut interrupts, and keeps what came back before a stop', async () => {
    // Prepare
    const queue = new HandAnsweredQueue();
    const { receivers, errors, signal, cut } = start(queue, 3);
    await settle();

    // Act: stop, let one receive in flight come back, then cut the others
    signal.abort();
    queue.answerOne();
    await settle();
    cut.abort();
    await receivers.finished();

    // Assess
    expect(errors).toEqual([]);
    expect(receivers.stopped).toBe(true);
    expect(ids(receivers.take()?.messages)).toEqual(['m-1']);
  });
});
