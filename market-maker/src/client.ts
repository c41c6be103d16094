/**
 * A minimal client of the exchange's public API, as any trading bot would write it:
 * Binance's signing (HMAC-SHA256 of the query string, `X-MBX-APIKEY`), JSON answers,
 * retries with backoff (honouring `Retry-After`) when the exchange is unreachable or
 * overloaded (429, 5xx). A 4xx is the caller's business and comes back as
 * {@link ApiRejection}. An outage is logged once when it starts and once when it ends.
 */
import { createHmac } from 'node:crypto';
import { ApiOutage } from './outage.js';

/** API key pair of one account. */
export interface Credentials {
  readonly accountId: string;
  readonly apiKey: string;
  readonly secretKey: string;
}

/** An answer the exchange gave with a 4xx status. */
export class ApiRejection extends Error {
  override readonly name = 'ApiRejection';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

export interface ClientOptions {
  /** The REST API's base URL, e.g. `http://127.0.0.1:4000`. */
  readonly baseUrl: string;
  /**
   * Attempts for retryable failures; default 8 (backoff 100 ms doubling, capped at 5 s).
   * `Infinity`: wait out any outage (a bot that must resume by itself).
   */
  readonly attempts?: number;
  /** Where the start and end of an outage are reported. */
  readonly log?: (line: string) => void;
  /**
   * Ends retries: a request that failed rejects with an `AbortError` instead of trying
   * again. A request that can be answered still is: a bot stopping mid-refresh finishes
   * the refresh (its cancels and places), so it never leaves half a ladder behind.
   */
  readonly signal?: AbortSignal;
}

type Params = Record<string, string | number | boolean | undefined>;

/** One attempt's request parts. */
interface Built {
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Longest wait between two attempts. */
const MAX_BACKOFF_MS = 5_000;

export class ExchangeClient {
  private readonly attempts: number;
  private readonly outage: ApiOutage;

  constructor(private readonly options: ClientOptions) {
    this.attempts = options.attempts ?? 8;
    this.outage = new ApiOutage(options.log ?? (() => {}));
  }

  /** An unsigned call. */
  public(method: string, path: string, params: Params = {}): Promise<unknown> {
    return this.request(method, path, () => ({ query: toQuery(params), headers: {} }));
  }

  /** A signed call (a fresh timestamp and signature on every attempt). */
  signed(credentials: Credentials, method: string, path: string, params: Params = {}): Promise<unknown> {
    return this.request(method, path, () => {
      const query = toQuery({ ...params, timestamp: Date.now(), recvWindow: 10_000 });
      const signature = createHmac('sha256', credentials.secretKey).update(query).digest('hex');
      return { query: `${query}&signature=${signature}`, headers: { 'x-mbx-apikey': credentials.apiKey } };
    });
  }

  /** A call with a JSON body (the native `/api/v1` account routes). */
  json(method: string, path: string, body: unknown, credentials?: Credentials): Promise<unknown> {
    return this.request(method, path, (): Built => {
      const raw = JSON.stringify(body);
      if (credentials === undefined) return { query: '', headers: {}, body: raw };
      const query = toQuery({ timestamp: Date.now(), recvWindow: 10_000 });
      const signature = createHmac('sha256', credentials.secretKey)
        .update(query + raw)
        .digest('hex');
      return {
        query: `${query}&signature=${signature}`,
        headers: { 'x-mbx-apikey': credentials.apiKey },
        body: raw,
      };
    });
  }

  private async request(method: string, path: string, build: () => Built): Promise<unknown> {
    const signal = this.options.signal;
    let delay = 100;
    for (let attempt = 1; ; attempt++) {
      const { query, headers, body } = build();
      const url = `${this.options.baseUrl}${path}${query === '' ? '' : `?${query}`}`;
      let problem: string;
      let retryAfterMs = 0;
      try {
        const response = await fetch(url, {
          method,
          headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body }),
        });
        const text = await response.text();
        if (response.status === 429 || response.status >= 500) {
          problem = `HTTP ${response.status}`;
          retryAfterMs = Number(response.headers.get('retry-after') ?? 0) * 1000 || 0;
        } else {
          this.outage.answered();
          const parsed: unknown = text === '' ? null : JSON.parse(text);
          // 202: accepted but the reply was late — the command is applied once; the caller
          // reconciles on its next read, so it is returned rather than retried.
          if (response.status === 200 || response.status === 201 || response.status === 202) return parsed;
          throw new ApiRejection(response.status, parsed);
        }
      } catch (error) {
        if (error instanceof ApiRejection || signal?.aborted) throw error;
        problem = describeFailure(error);
      }
      if (attempt >= this.attempts)
        throw new Error(`${method} ${path}: ${problem} after ${attempt} attempts`);
      this.outage.failed(problem);
      await pause(Math.min(Math.max(delay, retryAfterMs), MAX_BACKOFF_MS), signal);
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
    }
  }
}

/** `ECONNREFUSED` rather than fetch's bare `fetch failed` (read by shape: errors may come from another realm). */
function describeFailure(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { message, cause } = error as { message?: unknown; cause?: { code?: unknown } };
  if (typeof cause?.code === 'string') return cause.code;
  return typeof message === 'string' ? message : String(error);
}

/** Resolves after `ms`; rejects when `signal` aborts first (or has already). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      if (signal?.aborted) reject(signal.reason);
      else resolve();
    }
  });
}

function toQuery(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) search.append(key, String(value));
  return search.toString();
}
