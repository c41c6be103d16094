/**
 * Requests over Node's own `http`/`https` with a keep-alive agent: the one transport
 * call the SQS client makes (and the fan-out's `@connections` client, with its own
 * path and method). Node's modules cost a Lambda bundle nothing, where an HTTP
 * client package (undici, ~450 KiB minified) would take every function that sends to
 * SQS over its 1 MB budget; with keep-alive and Nagle off, a call is one write and one
 * read on a warm connection.
 */
import http from 'node:http';
import https from 'node:https';

/** What came back: the status and the whole body as text. */
export interface PostAnswer {
  readonly statusCode: number;
  readonly text: string;
}

export interface KeepAlivePostOptions {
  /** Connections kept to the origin; a long poll holds one while it waits. */
  readonly connections: number;
  /** How long a request may go without progress (connecting, waiting, reading), in ms. */
  readonly timeoutMs: number;
}

/**
 * Posts to one origin over pooled keep-alive connections.
 * @example
 * const poster = new KeepAlivePost(new URL('http://127.0.0.1:4566'), { connections: 16, timeoutMs: 5000 });
 * const { statusCode, text } = await poster.post({ 'content-type': 'application/json' }, '{}');
 */
export class KeepAlivePost {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(
    private readonly origin: URL,
    private readonly options: KeepAlivePostOptions,
  ) {
    const secure = origin.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.connections, noDelay: true };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.request = secure ? https.request : http.request;
  }

  /**
   * Sends `body` to `/` with `headers`.
   * @throws on a broken connection, a timeout, or when `signal` aborts
   */
  post(headers: Record<string, string>, body: string, signal?: AbortSignal): Promise<PostAnswer> {
    return this.send('POST', '/', headers, body, signal);
  }

  /**
   * Sends `body` with `method` to `path` (already URI-encoded) with `headers`.
   * @throws on a broken connection, a timeout, or when `signal` aborts
   */
  send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string,
    signal?: AbortSignal,
  ): Promise<PostAnswer> {
    return new Promise((resolve, reject) => {
      const request = this.request(
        {
          protocol: this.origin.protocol,
          hostname: this.origin.hostname,
          port: this.origin.port,
          path,
          method,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          agent: this.agent,
          ...(signal === undefined ? {} : { signal }),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ statusCode: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.setTimeout(this.options.timeoutMs, () =>
        request.destroy(new Error(`no progress for ${this.options.timeoutMs} ms`)),
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}
