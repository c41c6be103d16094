/**
 * SQS's long poll, as AWS serves it, on fauxqs 1.9.2: a message wakes one waiting
 * `ReceiveMessage`, not all of them.
 *
 * fauxqs wakes every waiting long poll of a queue when a message arrives; the first
 * takes the message and the others answer at once with nothing. A consumer that keeps
 * several receives in flight (the engine keeps four) then pays, for every message at
 * light load, three empty answers and three new requests — CPU on both sides and
 * milliseconds of the engine's event loop between a message's receipt and its journal
 * lookup. In AWS a long poll answers empty only when its wait is over.
 *
 * Here a message wakes the oldest waiter; once that one has taken what it could (its
 * dequeue runs before the next macrotask), the next waiter is woken only if messages
 * are still receivable, and so on. The patch is applied to fauxqs's queue class
 * (`fauxqs-queue.ts`).
 */
import { type FauxqsQueue, fauxqsQueuePrototype } from './fauxqs-queue.js';

/** True when a receive now would get at least one message. */
function receivable(queue: FauxqsQueue): boolean {
  return queue.isFifo() ? queue.hasAvailableFifoMessages() : queue.messages.length > 0;
}

/** Queues with a woken waiter that has not dequeued yet. */
const waking = new WeakSet<FauxqsQueue>();

/**
 * Wakes the oldest waiter, and after its dequeue the next one while messages remain.
 * Until that dequeue has run, further calls wake nobody: fauxqs's dequeue itself calls
 * `notifyWaiters` first (the messages it is about to take still look available), and
 * the check after the dequeue covers any message that came meanwhile.
 */
function wakeOne(this: FauxqsQueue): void {
  if (waking.has(this)) return;
  const waiter = this.pollWaiters.shift();
  if (waiter === undefined) return;
  waking.add(this);
  clearTimeout(waiter.timer);
  waiter.resolve();
  // The woken receive dequeues in a microtask, so before this runs.
  setImmediate(() => {
    waking.delete(this);
    if (this.pollWaiters.length > 0 && receivable(this)) wakeOne.call(this);
  });
}

/**
 * Makes every fauxqs queue of this process wake one long poll per arrival (see the
 * module comment). Call once, before fauxqs serves.
 * @throws Error when fauxqs's queue class has not the expected shape (another version)
 */
export async function wakeOneLongPollPerMessage(): Promise<void> {
  const prototype = await fauxqsQueuePrototype();
  prototype.notifyWaiters = wakeOne;
}
