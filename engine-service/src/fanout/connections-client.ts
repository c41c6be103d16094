/**
 * API Gateway's `@connections` API (`PostToConnection`, `DeleteConnection`) spoken
 * directly: one SigV4-signed request (`aws4`, service `execute-api`) over the keep-alive
 * pool of `@exchange/sqs-client`. The fan-out posts thousands of messages a second; the
 * SDK's per-call machinery (middleware stack, endpoint rules, async signing) cost about
 * 0.5 ms of CPU a post, where a post here is one signature and one write.
 *
 * Failures are thrown as {@link ConnectionsCallError} named as the SDK names them
 * (`GoneException` for 410, `LimitExceededException` for 429, …), from the status code,
 * which is what API Gateway's error types map to one for one.
 */
import { type Credentials, type CredentialsSource, KeepAlivePost } from '@exchange/sqs-client';
import aws4 from 'aws4';

export interface ConnectionsClientOptions {
  /** `http://127.0.0.1:4001/local` (the emulator), or `https://{api}.execute-api.{region}.amazonaws.com/{stage}`. */
  readonly endpoint: string;
  readonly region: string;
  /** Fixed keys, or a provider such as an SDK client's `config.credentials` (the task role's). */
  readonly credentials: CredentialsSource;
  /** Connections kept to the endpoint. Default 64. */
  readonly connections?: number;
  /** How long a request may go without progress, in ms. Default 5 s. */
  readonly timeoutMs?: number;
}

/** What the `@connections` calls the fan-out makes need: a post and a disconnect. */
export interface ConnectionsApi {
  /** @throws ConnectionsCallError (`GoneException` when the connection is gone) */
  post(connectionId: string, data: string): Promise<void>;
  /** @throws ConnectionsCallError (`GoneException` when the connection is gone) */
  delete(connectionId: string): Promise<void>;
}

const ERROR_NAMES: Readonly<Record<number, string>> = {
  400: 'BadRequestException',
  403: 'ForbiddenException',
  410: 'GoneException',
  413: 'PayloadTooLargeException',
  429: 'LimitExceededException',
};

/** A failed `@connections` call; `name` is the SDK's exception name for its status. */
export class ConnectionsCallError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = ERROR_NAMES[statusCode] ?? (statusCode === 0 ? 'NetworkingError' : `Http${statusCode}`);
  }
}

/**
 * @example
 * const api = new ConnectionsClient({ endpoint, region, credentials: sdkClient.config.credentials });
 * await api.post(connectionId, '{"stream":"trades@SOL_USDC","data":{}}');
 */
export class ConnectionsClient implements ConnectionsApi {
  private readonly transport: KeepAlivePost;
  private readonly host: string;
  /** The stage's path, `/{stage}/@connections/`. */
  private readonly base: string;
  private readonly region: string;
  private readonly credentials: () => Promise<Credentials>;

  constructor(options: ConnectionsClientOptions) {
    const url = new URL(options.endpoint);
    this.transport = new KeepAlivePost(url, {
      connections: options.connections ?? 64,
      timeoutMs: options.timeoutMs ?? 5000,
    });
    this.host = url.host;
    this.base = `${url.pathname.replace(/\/+$/, '')}/@connections/`;
    this.region = options.region;
    const source = options.credentials;
    this.credentials = typeof source === 'function' ? source : () => Promise.resolve(source);
  }

  post(connectionId: string, data: string): Promise<void> {
    return this.call('POST', connectionId, data);
  }

  delete(connectionId: string): Promise<void> {
    return this.call('DELETE', connectionId, '');
  }

  /** Closes the pooled connections. */
  close(): void {
    this.transport.close();
  }

  private async call(method: string, connectionId: string, body: string): Promise<void> {
    const path = `${this.base}${encodeURIComponent(connectionId)}`;
    const signed = aws4.sign(
      {
        host: this.host,
        path,
        method,
        service: 'execute-api',
        region: this.region,
        body,
        headers: body === '' ? {} : { 'Content-Type': 'application/octet-stream' },
      },
      await this.credentials(),
    );
    let answer: { statusCode: number; text: string };
    try {
      answer = await this.transport.send(method, path, signed.headers as Record<string, string>, body);
    } catch (error) {
      throw new ConnectionsCallError(0, String(error), { cause: error });
    }
    if (answer.statusCode >= 300) throw new ConnectionsCallError(answer.statusCode, answer.text);
  }
}
