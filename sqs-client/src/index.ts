export { type Credentials, type CredentialsSource, credentialsFromEnvironment } from './credentials.js';
export { KeepAlivePost, type KeepAlivePostOptions, type PostAnswer } from './keep-alive-post.js';
export type { BatchResult, QueueClient } from './queue-client.js';
export { SqsCallError } from './sqs-call-error.js';
export { type SendMessageResult, SqsJsonClient, type SqsJsonClientOptions } from './sqs-json-client.js';
