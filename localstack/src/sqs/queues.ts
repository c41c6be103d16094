/**
 * Creates queues from their definitions, through the SQS API itself, so the server
 * validates every attribute as AWS would.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FifoQueueDefinition } from '@exchange/protocol';
import { deadLetterQueueAttributes, type QueueAttributes, queueAttributes } from './queue-attributes.js';

/** Queue URLs by queue name, dead-letter queues included. */
export type QueueUrls = Readonly<Record<string, string>>;

/**
 * Creates each queue after its dead-letter queue, whose ARN its redrive policy needs.
 * Idempotent, like CreateQueue: an existing queue with the same attributes is kept.
 *
 * @example
 * const urls = await createQueues(client, QUEUE_DEFINITIONS);
 * urls['orders.fifo']; // http://sqs.us-east-1.localhost:4566/000000000000/orders.fifo
 */
export async function createQueues(
  client: SQSClient,
  definitions: readonly FifoQueueDefinition[],
): Promise<QueueUrls> {
  const urls: Record<string, string> = {};
  for (const definition of definitions) {
    const deadLetter = definition.deadLetterQueue;
    const deadLetterUrl = await createQueue(client, deadLetter.name, deadLetterQueueAttributes(deadLetter));
    urls[deadLetter.name] = deadLetterUrl;
    const deadLetterArn = await queueArn(client, deadLetterUrl);
    urls[definition.name] = await createQueue(
      client,
      definition.name,
      queueAttributes(definition, deadLetterArn),
    );
  }
  return urls;
}

/** The ARN of the queue at `queueUrl`, as SQS reports it. */
export async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`SQS reported no QueueArn for ${queueUrl}`);
  return arn;
}

async function createQueue(client: SQSClient, name: string, attributes: QueueAttributes): Promise<string> {
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (QueueUrl === undefined) throw new Error(`SQS returned no QueueUrl for ${name}`);
  return QueueUrl;
}
