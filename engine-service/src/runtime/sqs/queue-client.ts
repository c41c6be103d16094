/**
 * The three SQS calls on the engine's hot path — receive, delete a batch, send a
 * batch — behind one small interface, with two implementations:
 *
 * - {@link SqsJsonClient}: SQS's JSON protocol spoken directly, over an `undici`
 *   connection pool, signed with `aws4`. Used by the engine service.
 * - {@link sdkQueueClient}: the same calls through an AWS SDK `SQSClient`.
 *
 * Why the engine does not use the SDK for these: measured in the engine process
 * under `npm run bench:engine-service`, the SDK's per-call machinery (middleware
 * stack, endpoint rules, schema-driven serde that escapes every body character by
 * character, async signing) was about a quarter of the engine's CPU, about 100 µs
 * per command. The JSON protocol is one POST per call with a JSON body, so the
 * direct client is `JSON.stringify`, one signature and `JSON.parse`. The SDK stays
 * for everything else (queue URLs, attributes, the credential chain).
 */
import type {
  DeleteMessageBatchCommandInput,
  DeleteMessageBatchCommandOutput,
  Message,
  ReceiveMessageCommandInput,
  SendMessageBatchCommandInput,
  SendMessageBatchCommandOutput,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import aws4 from 'aws4';
import { Pool } from 'undici';

/** What a batch call reports; an entry absent from `Failed` succeeded. */
export type BatchResult = Pick<DeleteMessageBatchCommandOutput & SendMessageBatchCommandOutput, 'Failed'>;

/** The SQS calls the engine makes per batch. */
export interface QueueClient {
  /** ReceiveMessage; an aborted `signal` cuts a long poll short (and throws). */
  receiveMessage(input: ReceiveMessageCommandInput, signal?: AbortSignal): Promise<Message[]>;
  deleteMessageBatch(input: DeleteMessageBatchCommandInput): Promise<BatchResult>;
  sendMessageBatch(input: SendMessageBatchCommandInput): Promise<BatchResult>;
}

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

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}
/** AWS credentials, or an (ideally memoizing) provider of them, like an SDK client's `config.credentials`. */
export type CredentialsSource = Credentials | (() => Promise<Credentials>);

export interface SqsJsonClientOptions {
  /** `http://127.0.0.1:4566` locally, `https://sqs.<region>.amazonaws.com` in AWS. */
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: CredentialsSource;
  /** Connections kept to the endpoint; each long poll holds one. Default 16. */
  readonly connections?: number;
  /** Attempts per call, the first included. Default 3, as the SDK's standard retry. */
  readonly maxAttempts?: number;
}

/** An error SQS answered (`name` is its type, e.g. `QueueDoesNotExist`), or a transport failure. */
export class SqsCallError extends Error {
  override name: string;
  constructor(
    type: string,
    message: string,
    /** HTTP status; 0 when no answer came. */
    readonly statusCode: number,
    /** Worth trying again: throttled, a server error or a broken connection. */
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(`${type}: ${message}`, options);
    this.name = type;
  }
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

/**
 * SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Action>`) over one keep-alive pool.
 *
 * @example
 * const sqs = new SqsJsonClient({ endpoint, region, credentials: sdkClient.config.credentials });
 * const messages = await sqs.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 });
 * await sqs.close();
 */
export class SqsJsonClient implements QueueClient {
  private readonly pool: Pool;
  private readonly url: URL;
  private readonly region: string;
  private readonly credentials: () => Promise<Credentials>;
  private readonly maxAttempts: number;

  constructor(options: SqsJsonClientOptions) {
    this.url = new URL(options.endpoint);
    this.pool = new Pool(this.url.origin, {
      connections: options.connections ?? 16,
      // A long poll may hold its answer for 20 s; leave room.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    this.region = options.region;
    const source = options.credentials;
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

  /** Closes the pool's connections (calls in flight are allowed to finish). */
  close(): Promise<void> {
    return this.pool.close();
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
    let answer: Awaited<ReturnType<Pool['request']>>;
    try {
      answer = await this.pool.request({
        path: '/',
        method: 'POST',
        headers: signed.headers as Record<string, string>,
        body,
        signal,
      });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw new SqsCallError('NetworkingError', String(error), 0, true, { cause: error });
    }
    const text = await answer.body.text();
    if (answer.statusCode < 300) return (text === '' ? {} : JSON.parse(text)) as O;
    let type = `Http${answer.statusCode}`;
    let message = text;
    try {
      const parsed = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
      type = (parsed.__type ?? type).split('#').at(-1) as string;
      message = parsed.message ?? parsed.Message ?? '';
    } catch {
      // Not JSON (a proxy's page): keep the status and the text.
    }
    const retryable = answer.statusCode >= 500 || answer.statusCode === 429 || THROTTLING.has(type);
    throw new SqsCallError(type, message, answer.statusCode, retryable);
  }
}
