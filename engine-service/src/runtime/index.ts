export * from '@exchange/sqs-client';
export { sdkQueueClient } from '@exchange/sqs-client/sdk';
export * from './engine-service.js';
export * from './health.js';
export * from './journal/index.js';
export * from './lease/index.js';
export * from './publish/index.js';
export * from './sequencer.js';
