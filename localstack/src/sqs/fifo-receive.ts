/**
 * A FIFO `ReceiveMessage` takes several messages of one message group, as AWS does.
 *
 * AWS: "when you receive messages from a FIFO queue with multiple message group IDs,
 * Amazon SQS first tries to return as many messages with the same message group ID as
 * possible. This allows other consumers to process messages with a different message
 * group ID." fauxqs 1.9.2 takes one message per group per receive and then locks the
 * group until that message is deleted. A consumer of a queue with few groups — the DB
 * processor on `events.fifo`, whose groups are the markets — then gets a batch of three
 * messages where AWS would give it ten, and pays a receive, an invocation and a delete
 * for each; and one receive locks every group, so a second consumer gets nothing.
 *
 * The patch calls fauxqs's own dequeue for one message at a time while the receive has
 * room, with the groups this receive locked (and only those: a group another consumer
 * holds stays locked) unlocked for the call. fauxqs takes the next message of the
 * first receivable group, so a receive takes its first group's messages, in order,
 * before it takes another group's. Each group stays locked until every message of it
 * this receive took is deleted or visible again, as before.
 *
 * With several messages of a group in flight, fauxqs would put those that become
 * visible again (their visibility timeout over, or set to 0) back at the front of
 * their group one by one, so in reverse; the patch puts the group back in send order.
 */
import {
  type FauxqsMessage,
  type FauxqsQueue,
  type FauxqsReceived,
  fauxqsQueuePrototype,
} from './fauxqs-queue.js';

/** SQS's limit of messages per receive. */
const MAX_MESSAGES = 10;

/**
 * Makes every FIFO queue of this process return up to the requested number of messages
 * per receive, a group's before the next group's. Call once, before fauxqs serves.
 * @throws Error when fauxqs's queue class has not the expected shape (another version)
 */
export async function receiveSeveralPerGroup(): Promise<void> {
  const prototype = await fauxqsQueuePrototype();
  const dequeueOnePerGroup = prototype.dequeueFifo;
  prototype.dequeueFifo = function dequeueFifo(
    this: FauxqsQueue,
    maxCount: number,
    visibilityTimeoutOverride?: number,
    dlqResolver?: unknown,
  ): FauxqsReceived[] {
    const wanted = Math.min(maxCount, MAX_MESSAGES);
    const received: FauxqsReceived[] = [];
    // Groups this receive locked → how many of their messages it took.
    const ours = new Map<string, number>();
    while (received.length < wanted) {
      for (const group of ours.keys()) this.fifoLockedGroups.delete(group);
      let taken: FauxqsReceived[];
      try {
        taken = dequeueOnePerGroup.call(this, 1, visibilityTimeoutOverride, dlqResolver);
      } finally {
        for (const [group, count] of ours) this.fifoLockedGroups.set(group, count);
      }
      const message = taken[0];
      if (message === undefined) break;
      received.push(message);
      // fauxqs locked the message's group for it; the count covers every one taken.
      const group = groupOf(this.inflightMessages.get(message.ReceiptHandle)?.message);
      const count = (ours.get(group) ?? 0) + 1;
      ours.set(group, count);
      this.fifoLockedGroups.set(group, count);
    }
    return received;
  };

  const processTimers = prototype.processTimers;
  prototype.processTimers = function processTimersInOrder(this: FauxqsQueue): void {
    if (!this.isFifo()) {
      processTimers.call(this);
      return;
    }
    const now = Date.now();
    const returning = new Set<string>();
    for (const { message, visibilityDeadline } of this.inflightMessages.values()) {
      if (visibilityDeadline <= now) returning.add(groupOf(message));
    }
    processTimers.call(this);
    inSendOrder(this, returning);
  };

  const changeVisibility = prototype.changeVisibility;
  prototype.changeVisibility = function changeVisibilityInOrder(
    this: FauxqsQueue,
    receiptHandle: string,
    timeoutSeconds: number,
  ): void {
    const message = this.inflightMessages.get(receiptHandle)?.message;
    changeVisibility.call(this, receiptHandle, timeoutSeconds);
    if (message !== undefined && timeoutSeconds === 0 && this.isFifo()) {
      inSendOrder(this, new Set([groupOf(message)]));
    }
  };
}

/** fauxqs's group of a FIFO message (a message without one is in `__default`). */
function groupOf(message: FauxqsMessage | undefined): string {
  return message?.messageGroupId ?? '__default';
}

/** Sorts each of `groups`' receivable messages by sequence number, where out of order. */
function inSendOrder(queue: FauxqsQueue, groups: ReadonlySet<string>): void {
  for (const group of groups) {
    const messages = queue.fifoMessages.get(group);
    if (messages === undefined) continue;
    const ordered = messages.every((m, i) => i === 0 || sequenceOf(messages[i - 1]) <= sequenceOf(m));
    if (!ordered) messages.sort((a, b) => (sequenceOf(a) < sequenceOf(b) ? -1 : 1));
  }
}

function sequenceOf(message: FauxqsMessage | undefined): string {
  return message?.sequenceNumber ?? '';
}
