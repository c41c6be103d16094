/**
 * `FifoQueueWithDeadLetters`: one entry of `QUEUE_DEFINITIONS` (the list the local cloud
 * creates in fauxqs) as an SQS FIFO queue and its FIFO dead-letter queue, with SSE and
 * TLS-only access.
 */

import type { FifoQueueDefinition } from '@exchange/protocol';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Props of {@link FifoQueueWithDeadLetters}. */
export interface FifoQueueWithDeadLettersProps {
  /** The shared definition, used as is: only the name gets the stage prefix. */
  readonly definition: FifoQueueDefinition;
  /** `exchange-dev` → `exchange-dev-orders.fifo`, so stages can share an account. */
  readonly namePrefix: string;
  readonly removalPolicy: RemovalPolicy;
}

/** A FIFO queue and its FIFO dead-letter queue, both from one definition. */
export class FifoQueueWithDeadLetters extends Construct {
  /** The definition it was built from (the very object). */
  public readonly definition: FifoQueueDefinition;
  /** The FIFO queue. */
  public readonly queue: sqs.Queue;
  /** Its FIFO dead-letter queue. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: FifoQueueWithDeadLettersProps) {
    super(scope, id);
    const def = props.definition;
    this.definition = def;
    this.deadLetterQueue = new sqs.Queue(this, 'dead-letters', {
      queueName: `${props.namePrefix}-${def.deadLetterQueue.name}`,
      fifo: true,
      retentionPeriod: Duration.seconds(def.deadLetterQueue.messageRetentionSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'queue', {
      queueName: `${props.namePrefix}-${def.name}`,
      fifo: true,
      contentBasedDeduplication: false,
      visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(def.messageRetentionSeconds),
      receiveMessageWaitTime: Duration.seconds(def.receiveWaitTimeSeconds),
      deduplicationScope:
        def.deduplicationScope === 'messageGroup'
          ? sqs.DeduplicationScope.MESSAGE_GROUP
          : sqs.DeduplicationScope.QUEUE,
      fifoThroughputLimit:
        def.fifoThroughputLimit === 'perMessageGroupId'
          ? sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID
          : sqs.FifoThroughputLimit.PER_QUEUE,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: def.deadLetterQueue.maxReceiveCount },
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy,
    });
  }
}
