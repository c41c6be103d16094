/**
 * {@link QueueClient} through an AWS SDK `SQSClient`: for tests and tools that compare
 * the two, kept on its own subpath (`@exchange/sqs-client/sdk`) so that importing the
 * lean client never loads the SDK.
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueClient } from './queue-client.js';

/** The same calls through an AWS SDK client (tests, tools, comparisons). */
export function sdkQueueClient(client: SQSClient): QueueClient {
  return {
    async receiveMessage(input, signal) {
      const out = await client.send(
        new ReceiveMessageCommand(input),
        signal === undefined ? undefined : { abortSignal: signal },
      );
      return out.Messages ?? [];
    },
    deleteMessageBatch: (input) => client.send(new DeleteMessageBatchCommand(input)),
    sendMessageBatch: (input) => client.send(new SendMessageBatchCommand(input)),
  };
}
