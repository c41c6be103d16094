/**
 * The chaos clients' HTTP: one request, one answer, no retries of its own (the callers
 * decide what a careful client does), and a tally of every status seen, because a 5xx
 * other than 503 is a bug whatever the request was.
 */
import { createHmac } from 'node:crypto';

/** API key pair of one account, as `POST /api/v1/accounts` returns it. */
export interface ApiKeyPair {
  readonly accountId: string;
  readonly apiKey: string;
  readonly secretKey: string;
}

/** What one request got: status 0 when no HTTP answer came at all. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  /** `Retry-After` in ms, when the answer had one. */
  readonly retryAfterMs?: number;
  /** Why there was no answer (status 0). */
  readonly error?: string;
}

type Params = Readonly<Record<string, string | number | boolean | undefined>>;

/** Counts answers by status and keeps a few examples of the ones that are bugs. */
export class HttpTally {
  readonly byStatus = new Map<number, number>();
  /** 5xx answers other than 503, by the phase they came in. */
  readonly serverErrorsByPhase = new Map<string, number>();
  /** `METHOD path → status body` of the first 5xx answers other than 503. */
  readonly serverErrors: string[] = [];

  /** `phase` names what the system is going through when an answer comes (a fault, `steady`…). */
  constructor(private readonly phase: () => string = () => '') {}

  record(method: string, path: string, answer: Answer): void {
    this.byStatus.set(answer.status, (this.byStatus.get(answer.status) ?? 0) + 1);
    if (answer.status < 500 || answer.status === 503) return;
    const phase = this.phase();
    this.serverErrorsByPhase.set(phase, (this.serverErrorsByPhase.get(phase) ?? 0) + 1);
    if (this.serverErrors.length < 10)
      this.serverErrors.push(
        `[${phase}] ${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`,
      );
  }

  /** 5xx answers other than 503 (a dependency that is down must be a 503). */
  get serverErrorCount(): number {
    let n = 0;
    for (const [status, count] of this.byStatus) if (status >= 500 && status !== 503) n += count;
    return n;
  }

  /** `{ "200": 1234, "503": 12, … }`. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n]));
  }
}

/** Binance-style signed and unsigned calls against one REST base URL, tallied. */
export class ChaosHttp {
  constructor(
    private readonly baseUrl: string,
    readonly tally: HttpTally,
    private readonly timeoutMs = 35_000,
  ) {}

  /** An unsigned call with query parameters. */
  public(method: string, path: string, params: Params = {}): Promise<Answer> {
    return this.send(method, path, toQuery(params), {});
  }

  /** A signed `/api/v3` call: parameters, `timestamp` and `signature` in the query string. */
  signed(keys: ApiKeyPair, method: string, path: string, params: Params = {}): Promise<Answer> {
    const query = toQuery({ ...params, timestamp: Date.now(), recvWindow: 10_000 });
    const signature = createHmac('sha256', keys.secretKey).update(query).digest('hex');
    return this.send(method, path, `${query}&signature=${signature}`, { 'x-mbx-apikey': keys.apiKey });
  }

  /** A `/api/v1` call with a JSON body, signed (query then body) when `keys` are given. */
  json(method: string, path: string, body: unknown, keys?: ApiKeyPair): Promise<Answer> {
    const raw = JSON.stringify(body);
    const headers = { 'content-type': 'application/json' };
    if (keys === undefined) return this.send(method, path, '', headers, raw);
    const query = toQuery({ timestamp: Date.now(), recvWindow: 10_000 });
    const signature = createHmac('sha256', keys.secretKey)
      .update(query + raw)
      .digest('hex');
    return this.send(
      method,
      path,
      `${query}&signature=${signature}`,
      { ...headers, 'x-mbx-apikey': keys.apiKey },
      raw,
    );
  }

  private async send(
    method: string,
    path: string,
    query: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Answer> {
    const url = `${this.baseUrl}${path}${query === '' ? '' : `?${query}`}`;
    let answer: Answer;
    try {
      const response = await fetch(url, {
        method,
        headers,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        // a non-JSON body is kept as text for the report
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      answer = {
        status: response.status,
        body: parsed,
        ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    } catch (error) {
      answer = { status: 0, body: null, error: error instanceof Error ? error.message : String(error) };
    }
    this.tally.record(method, path, answer);
    return answer;
  }
}

/** Calls `attempt` until `done` accepts its answer or `deadline` (epoch ms) passes; the last answer. */
export async function until(
  attempt: () => Promise<Answer>,
  done: (answer: Answer) => boolean,
  deadline: number,
  pauseMs = 250,
): Promise<Answer> {
  for (;;) {
    const answer = await attempt();
    if (done(answer) || Date.now() >= deadline) return answer;
    await sleep(
      Math.max(pauseMs, answer.retryAfterMs === undefined ? 0 : Math.min(answer.retryAfterMs, 2_000)),
    );
  }
}

/** An answer from the exchange that is not about its health: a 2xx or a 4xx. */
export function isDefinitive(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 500 && answer.status !== 429;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function toQuery(params: Params): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) search.append(key, String(value));
  return search.toString();
}
