/**
 * SQS clients for the local cloud.
 */
import { SQSClient } from '@aws-sdk/client-sqs';

/** Where an SQS server is: `http://127.0.0.1:<port>` and the region its queues live in. */
export interface SqsClientOptions {
  readonly endpoint: string;
  readonly region: string;
}

/**
 * An SQS client bound to `endpoint`. The endpoint is always explicit: without it the
 * SDK would resolve AWS's regional endpoint, or take the host of a queue URL, and
 * local queue URLs (`sqs.us-east-1.localhost`) need not resolve. The credentials are
 * dummies, which fauxqs accepts and never checks, so no AWS profile is ever read.
 *
 * @example
 * const sqs = await startLocalSqs();
 * const client = createSqsClient(sqs);
 * // … client.send(…) …
 * client.destroy();
 */
export function createSqsClient(options: SqsClientOptions): SQSClient {
  return new SQSClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
}
