export { failedRecordIds, InvalidBatchResponseError } from './batch-failures.js';
export { type EventSourceQueue, toSqsEvent, toSqsRecord } from './sqs-event.js';
export { type SqsBatchHandler, SqsEventSource, type SqsEventSourceOptions } from './sqs-event-source.js';
