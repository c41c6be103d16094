/**
 * fauxqs 1.9.2's queue class, for the patches that make it serve as AWS does
 * (`long-poll.ts`, `fifo-receive.ts`). Reached by file path: the package exports only
 * its entry.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The part of fauxqs 1.9.2's `SqsQueue` the patches read and replace. */
export interface FauxqsQueue {
  pollWaiters: { resolve(): void; timer: NodeJS.Timeout }[];
  messages: unknown[];
  /** FIFO groups with messages in flight → how many. */
  fifoLockedGroups: Map<string, number>;
  /** FIFO groups → their receivable messages, in order. */
  fifoMessages: Map<string, FauxqsMessage[]>;
  /** Receipt handle → a message in flight. */
  inflightMessages: Map<string, { message: FauxqsMessage; visibilityDeadline: number }>;
  isFifo(): boolean;
  hasAvailableFifoMessages(): boolean;
  notifyWaiters(): void;
  dequeueFifo(maxCount: number, visibilityTimeoutOverride?: number, dlqResolver?: unknown): FauxqsReceived[];
  processTimers(): void;
  changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
}

/** A message as a fauxqs receive returns it (the fields the patches read). */
export interface FauxqsReceived {
  readonly ReceiptHandle: string;
}

/** The fields of a fauxqs message the patches read. */
export interface FauxqsMessage {
  readonly messageGroupId?: string;
  /** FIFO: 20 digits, zero-padded, so string order is send order. */
  readonly sequenceNumber?: string;
}

/**
 * The prototype of fauxqs's queue class.
 * @throws Error when it has not the shape the patches expect (another fauxqs version)
 */
export async function fauxqsQueuePrototype(): Promise<FauxqsQueue> {
  const entry = fileURLToPath(import.meta.resolve('fauxqs'));
  const store = pathToFileURL(join(dirname(entry), 'sqs', 'sqsStore.js')).href;
  const { SqsQueue } = (await import(store)) as { SqsQueue: { prototype: FauxqsQueue } };
  const prototype = SqsQueue.prototype;
  const methods = [
    'notifyWaiters',
    'hasAvailableFifoMessages',
    'dequeueFifo',
    'processTimers',
    'changeVisibility',
  ] as const;
  for (const method of methods) {
    if (typeof prototype[method] !== 'function') {
      throw new Error(`fauxqs: SqsQueue has no ${method}; these patches expect fauxqs 1.9`);
    }
  }
  return prototype;
}
