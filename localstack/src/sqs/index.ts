export { type FauxqsServer, startFauxqsServer } from './fauxqs-server.js';
export {
  DEFAULT_SQS_PORT,
  DEFAULT_SQS_REGION,
  type LocalSqs,
  type LocalSqsOptions,
  startLocalSqs,
} from './local-sqs.js';
export { deadLetterQueueAttributes, type QueueAttributes, queueAttributes } from './queue-attributes.js';
export { createQueues, type QueueUrls, queueArn } from './queues.js';
export { createSqsClient, type SqsClientOptions } from './sqs-client.js';
