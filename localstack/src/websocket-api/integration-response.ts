import type { Invocation } from './invocation.js';

/** An upgrade request turned away: the HTTP status and body the client gets instead of a socket. */
export interface Refusal {
  readonly status: number;
  readonly body: string;
}

/** What `$connect` decided: open (with the subprotocol it chose, if any) or refuse. */
export type ConnectVerdict =
  | { readonly accept: true; readonly protocol: string | undefined }
  | ({ readonly accept: false; readonly error?: unknown } & Refusal);

/** The Lambda proxy result fields API Gateway reads; any of them may be missing or mistyped. */
interface ProxyResult {
  readonly statusCode?: unknown;
  readonly headers?: unknown;
  readonly body?: unknown;
}

/**
 * Reads `$connect`'s result as API Gateway does: a thrown error refuses with 500 and a
 * timeout with 504; a `statusCode` outside 2xx refuses with that code (any that is not
 * 4xx or 5xx becomes 403) and the result's `body`. A result without a `statusCode`
 * accepts. A `Sec-WebSocket-Protocol` header picks the subprotocol.
 */
export function connectVerdict(invocation: Invocation): ConnectVerdict {
  if (invocation.outcome === 'threw') {
    return { accept: false, status: 500, body: errorBody('Internal server error'), error: invocation.error };
  }
  if (invocation.outcome === 'timed out') {
    return { accept: false, status: 504, body: errorBody('Endpoint request timed out') };
  }
  const result = asProxyResult(invocation.result);
  const status = result.statusCode;
  if (typeof status === 'number' && (status < 200 || status > 299)) {
    const body = typeof result.body === 'string' ? result.body : '';
    return { accept: false, status: status >= 400 && status <= 599 ? status : 403, body };
  }
  return { accept: true, protocol: subprotocol(result.headers) };
}

/**
 * The route response a message handler's result carries: its `body`, or the result
 * itself when the handler returned a bare string.
 */
export function responseBody(result: unknown): string | undefined {
  if (typeof result === 'string') return result;
  const { body } = asProxyResult(result);
  return typeof body === 'string' ? body : undefined;
}

function asProxyResult(result: unknown): ProxyResult {
  return typeof result === 'object' && result !== null ? (result as ProxyResult) : {};
}

/** The `Sec-WebSocket-Protocol` named in a result's headers, whatever their case. */
function subprotocol(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'sec-websocket-protocol' && typeof value === 'string') return value.trim();
  }
  return undefined;
}

function errorBody(message: string): string {
  return JSON.stringify({ message });
}
