/**
 * SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Action>`) spoken directly, over an
 * keep-alive connection pool of Node's own `http` (`keep-alive-post.ts`), signed with `aws4`.
 *
 * Why not the SDK on hot paths: measured in the engine process under
 * `npm run bench:engine-service`, the SDK's per-call machinery (middleware stack,
 * endpoint rules, schema-driven serde that escapes every body character by character,
 * async signing) was about a quarter of the engine's CPU, about 100 µs per command,
 * and a fifth of the API's CPU per order. The JSON protocol is one POST per call with
 * a JSON body, so a call here is `JSON.stringify`, one signature and `JSON.parse`.
 */
import type {
  DeleteMessageBatchCommandInput,
  Message,
  ReceiveMessageCommandInput,
  SendMessageBatchCommandInput,
  SendMessageCommandInput,
} from '@aws-sdk/client-sqs';
import aws4 from 'aws4';
import { type Credentials, type CredentialsSource, credentialsFromEnvironment } from './credentials.js';
import { KeepAlivePost } from './keep-alive-post.js';
import type { BatchResult, QueueClient } from './queue-client.js';
import { SqsCallError } from './sqs-call-error.js';

export interface SqsJsonClientOptions {
  /** `http://127.0.0.1:4566` locally, `https://sqs.<region>.amazonaws.com` in AWS. */
  readonly endpoint: string;
  readonly region: string;
  /** Fixed keys or a provider; the environment's (`credentialsFromEnvironment`) when omitted. */
  readonly credentials?: CredentialsSource;
  /** Connections kept to the endpoint; each long poll holds one. Default 16. */
  readonly connections?: number;
  /** Attempts per call, the first included. Default 3, as the SDK's standard retry. */
  readonly maxAttempts?: number;
  /**
   * How long one attempt may wait to connect, for the answer's headers and between
   * body chunks. Default 60 s, room for a 20 s long poll; a caller that must answer
   * quickly (an API request) sets a few seconds.
   */
  readonly timeoutMs?: number;
}

/** What `SendMessage` answers. */
export interface SendMessageResult {
  readonly MessageId?: string;
  /** FIFO queues only. */
  readonly SequenceNumber?: string;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'RequestThrottled',
  'RequestThrottledException',
  'KmsThrottled',
  'TooManyRequestsException',
]);
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Base delay before a retry; doubled each attempt, with full jitter. */
const RETRY_BASE_MS = 50;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * @example
 * const sqs = new SqsJsonClient({ endpoint, region, credentials: sdkClient.config.credentials });
 * const messages = await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 });
 * await sqs.sendMessage({ QueueUrl, MessageBody: '{}', MessageGroupId: 'g', MessageDeduplicationId: 'd' });
 * await sqs.close();
 */
export class SqsJsonClient implements QueueClient {
  private readonly poster: KeepAlivePost;
  private readonly url: URL;
  private readonly region: string;
  private readonly credentials: () => Promise<Credentials>;
  private readonly maxAttempts: number;

  constructor(options: SqsJsonClientOptions) {
    this.url = new URL(options.endpoint);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.poster = new KeepAlivePost(this.url, { connections: options.connections ?? 16, timeoutMs });
    this.region = options.region;
    const source = options.credentials ?? credentialsFromEnvironment();
    this.credentials = typeof source === 'function' ? source : () => Promise.resolve(source);
    this.maxAttempts = options.maxAttempts ?? 3;
  }

  async receiveMessage(input: ReceiveMessageCommandInput, signal?: AbortSignal): Promise<Message[]> {
    const out = await this.call<{ Messages?: Message[] }>('ReceiveMessage', input, signal);
    return out.Messages ?? [];
  }

  deleteMessageBatch(input: DeleteMessageBatchCommandInput): Promise<BatchResult> {
    return this.call('DeleteMessageBatch', input);
  }

  sendMessageBatch(input: SendMessageBatchCommandInput): Promise<BatchResult> {
    return this.call('SendMessageBatch', input);
  }

  /** One message; on a FIFO queue give `MessageGroupId` and `MessageDeduplicationId`. */
  sendMessage(input: SendMessageCommandInput): Promise<SendMessageResult> {
    return this.call('SendMessage', input);
  }

  /**
   * The URL of the queue named `queueName`.
   * @throws SqsCallError `QueueDoesNotExist`
   */
  async getQueueUrl(queueName: string): Promise<string> {
    return (await this.call<{ QueueUrl: string }>('GetQueueUrl', { QueueName: queueName })).QueueUrl;
  }

  /** Closes the pool's connections (calls in flight are allowed to finish). */
  async close(): Promise<void> {
    this.poster.close();
  }

  private async call<O>(action: string, input: object, signal?: AbortSignal): Promise<O> {
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<O>(action, body, signal);
      } catch (error) {
        const retry =
          attempt < this.maxAttempts && signal?.aborted !== true && (error as SqsCallError).retryable;
        if (!retry) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_BASE_MS * 2 ** attempt));
      }
    }
  }

  private async once<O>(action: string, body: string, signal?: AbortSignal): Promise<O> {
    const signed = aws4.sign(
      {
        host: this.url.host,
        path: '/',
        method: 'POST',
        service: 'sqs',
        region: this.region,
        body,
        headers: { 'Content-Type': CONTENT_TYPE, 'X-Amz-Target': `AmazonSQS.${action}` },
      },
      await this.credentials(),
    );
    let statusCode: number;
    let text: string;
    try {
      ({ statusCode, text } = await this.poster.post(signed.headers as Record<string, string>, body, signal));
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw new SqsCallError('NetworkingError', String(error), 0, true, { cause: error });
    }
    if (statusCode < 300) return (text === '' ? {} : JSON.parse(text)) as O;
    let type = `Http${statusCode}`;
    let message = text;
    try {
      const parsed = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
      type = (parsed.__type ?? type).split('#').at(-1) as string;
      message = parsed.message ?? parsed.Message ?? '';
    } catch {
      // Not JSON (a proxy's page): keep the status and the text.
    }
    const retryable = statusCode >= 500 || statusCode === 429 || THROTTLING.has(type);
    throw new SqsCallError(type, message, statusCode, retryable);
  }
}
