/**
 * A queue definition from `@exchange/protocol`, in the attribute strings that
 * SQS's CreateQueue takes.
 */
import type { QueueAttributeName } from '@aws-sdk/client-sqs';
import type { DeadLetterQueueDefinition, FifoQueueDefinition } from '@exchange/protocol';

export type QueueAttributes = Partial<Record<QueueAttributeName, string>>;

/** Attributes of a FIFO queue whose failures redrive to the queue at `deadLetterTargetArn`. */
export function queueAttributes(
  definition: FifoQueueDefinition,
  deadLetterTargetArn: string,
): QueueAttributes {
  return {
    FifoQueue: 'true',
    ContentBasedDeduplication: 'false',
    DeduplicationScope: definition.deduplicationScope,
    FifoThroughputLimit: definition.fifoThroughputLimit,
    VisibilityTimeout: String(definition.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(definition.messageRetentionSeconds),
    ReceiveMessageWaitTimeSeconds: String(definition.receiveWaitTimeSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn,
      maxReceiveCount: definition.deadLetterQueue.maxReceiveCount,
    }),
  };
}

/** Attributes of a FIFO dead-letter queue: kept long, consumed by hand. */
export function deadLetterQueueAttributes(definition: DeadLetterQueueDefinition): QueueAttributes {
  return {
    FifoQueue: 'true',
    ContentBasedDeduplication: 'false',
    MessageRetentionPeriod: String(definition.messageRetentionSeconds),
  };
}
