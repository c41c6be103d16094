/**
 * A minimal client of the exchange's public API, as any trading bot would write it:
 * Binance's signing (HMAC-SHA256 of the query string, `X-MBX-APIKEY`), JSON answers,
 * retries with backoff when the exchange is unreachable, overloaded (429, 5xx) or
 * still processing (202). A 4xx is the caller's business and comes back as
 * {@link ApiRejection}.
 */
import { createHmac } from 'node:crypto';

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
  /** Attempts for retryable failures; default 8 (backoff 100 ms doubling, capped at 5 s). */
  readonly attempts?: number;
  /** Where retries are reported. */
  readonly log?: (line: string) => void;
}

type Params = Record<string, string | number | boolean | undefined>;

/** One attempt's request parts. */
interface Built {
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export class ExchangeClient {
  private readonly attempts: number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: ClientOptions) {
    this.attempts = options.attempts ?? 8;
    this.log = options.log ?? (() => {});
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
    let delay = 100;
    for (let attempt = 1; ; attempt++) {
      const { query, headers, body } = build();
      const url = `${this.options.baseUrl}${path}${query === '' ? '' : `?${query}`}`;
      let problem: string;
      try {
        const response = await fetch(url, {
          method,
          headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body }),
        });
        const text = await response.text();
        const parsed: unknown = text === '' ? null : JSON.parse(text);
        if (response.status === 200 || response.status === 201) return parsed;
        if (response.status !== 202 && response.status !== 429 && response.status < 500) {
          throw new ApiRejection(response.status, parsed);
        }
        // 202: accepted but the reply was late — the command is applied once; the caller
        // reconciles on its next read, so it is returned rather than retried.
        if (response.status === 202) return parsed;
        problem = `HTTP ${response.status}`;
      } catch (error) {
        if (error instanceof ApiRejection) throw error;
        problem = error instanceof Error ? error.message : String(error);
      }
      if (attempt >= this.attempts)
        throw new Error(`${method} ${path}: ${problem} after ${attempt} attempts`);
      this.log(`${method} ${path}: ${problem}; retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }
}

function toQuery(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) search.append(key, String(value));
  return search.toString();
}
