/**
 * API Gateway's `@connections` API (`PostToConnection`, `DeleteConnection`) spoken
 * directly: one SigV4-signed request ({@link ExecuteApiSigner}) over a keep-alive
 * `undici` pool. The fan-out posts thousands of messages a second; the SDK's per-call
 * machinery (middleware stack, endpoint rules, async signing) cost about 0.5 ms of CPU a
 * post, and a general-purpose signer and Node's `http.request` most of the rest: here a
 * post is three hashes, a string of headers and one request on a pooled socket.
 *
 * Credentials from a provider (the task role's, through an SDK client's
 * `config.credentials`) are read once and again only when they near their expiry.
 *
 * Failures are thrown as {@link ConnectionsCallError} named as the SDK names them
 * (`GoneException` for 410, `LimitExceededException` for 429, …), from the status code,
 * which is what API Gateway's error types map to one for one.
 */
import type { Credentials, CredentialsSource } from '@exchange/sqs-client';
import { Pool } from 'undici';
import { ExecuteApiSigner } from './execute-api-signer.js';

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

/** Provider credentials are read again this long before they expire. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;

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
  private readonly pool: Pool;
  private readonly signer: ExecuteApiSigner;
  /** The stage's path, `/{stage}/@connections/`. */
  private readonly base: string;
  private readonly source: CredentialsSource;
  private credentials: Credentials | undefined;
  /** When the provider is asked again (ms since the epoch). */
  private credentialsDueAt = 0;

  constructor(options: ConnectionsClientOptions) {
    const url = new URL(options.endpoint);
    const timeoutMs = options.timeoutMs ?? 5000;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 64,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    this.signer = new ExecuteApiSigner(url.host, options.region);
    this.base = `${url.pathname.replace(/\/+$/, '')}/@connections/`;
    this.source = options.credentials;
    if (typeof this.source !== 'function') {
      this.credentials = this.source;
      this.credentialsDueAt = Number.POSITIVE_INFINITY;
    }
  }

  post(connectionId: string, data: string): Promise<void> {
    return this.call('POST', connectionId, data);
  }

  delete(connectionId: string): Promise<void> {
    return this.call('DELETE', connectionId, '');
  }

  /** Closes the pooled connections. */
  close(): void {
    this.pool.destroy().catch(() => {});
  }

  private async call(method: 'POST' | 'DELETE', connectionId: string, body: string): Promise<void> {
    const now = Date.now();
    const credentials = now < this.credentialsDueAt ? this.credentials : await this.refresh(now);
    const path = `${this.base}${encodeURIComponent(connectionId)}`;
    const headers = this.signer.sign(method, path, body, credentials as Credentials, now);
    let statusCode: number;
    let text = '';
    try {
      const answer = await this.pool.request({ method, path, headers, body });
      statusCode = answer.statusCode;
      if (statusCode >= 300) text = await answer.body.text();
      else await answer.body.dump();
    } catch (error) {
      throw new ConnectionsCallError(0, String(error), { cause: error });
    }
    if (statusCode >= 300) throw new ConnectionsCallError(statusCode, text);
  }

  private async refresh(now: number): Promise<Credentials> {
    const provider = this.source as () => Promise<Credentials & { expiration?: Date }>;
    const credentials = await provider();
    this.credentials = credentials;
    this.credentialsDueAt =
      credentials.expiration === undefined
        ? now + REFRESH_BEFORE_EXPIRY_MS
        : credentials.expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS;
    return credentials;
  }
}
