/**
 * The REST side of the smoke test: one attempt per call (a smoke test reports, it does not
 * retry), Binance's signing (HMAC-SHA256 of the query string in hex, `X-MBX-APIKEY`) as any
 * client does it, and every answer that is not a 2xx turned into an error that says what
 * came back.
 */
import { createHmac } from 'node:crypto';

/** An API key pair from the environment. */
export interface ApiKey {
  readonly apiKey: string;
  readonly secretKey: string;
}

type Params = Record<string, string | number>;

/** The HMAC-SHA256 signature, in hex, of `payload` with the key's secret. */
export function signature(key: ApiKey, payload: string): string {
  return createHmac('sha256', key.secretKey).update(payload).digest('hex');
}

/** A call answered with a status outside 2xx, or with a body that is not JSON. */
export class UnexpectedAnswer extends Error {
  override readonly name = 'UnexpectedAnswer';
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

export class RestClient {
  /** `baseUrl` as API Gateway prints it, with or without a trailing slash. */
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** An unsigned GET. */
  get(path: string, params: Params = {}): Promise<Answer> {
    return this.call('GET', path, new URLSearchParams(toStrings(params)).toString(), {});
  }

  /** A signed call: `timestamp` and `signature` appended, the key in `X-MBX-APIKEY`. */
  signed(key: ApiKey, method: string, path: string, params: Params = {}): Promise<Answer> {
    const query = new URLSearchParams(toStrings({ ...params, timestamp: Date.now() })).toString();
    return this.call(method, path, `${query}&signature=${signature(key, query)}`, {
      'x-mbx-apikey': key.apiKey,
    });
  }

  private async call(method: string, path: string, query: string, headers: Record<string, string>) {
    const url = `${this.baseUrl}${path}${query === '' ? '' : `?${query}`}`;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new UnexpectedAnswer(`${method} ${url}: ${reason(error)}`);
    }
    const text = await response.text();
    if (response.status < 200 || response.status > 299)
      throw new UnexpectedAnswer(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    try {
      return { status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      throw new UnexpectedAnswer(
        `${method} ${path} answered ${response.status} with a body that is not JSON`,
      );
    }
  }
}

function toStrings(params: Params): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]));
}

/** `ECONNREFUSED`, `ENOTFOUND`, a timeout: fetch hides the cause behind `fetch failed`. */
export function reason(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError') return 'no answer in time';
  if (typeof cause?.code === 'string') return cause.code;
  return typeof message === 'string' ? message : String(error);
}
