/**
 * The WebSocket API's request frame, Binance's: `{"id":…,"method":"…","params":{…}}`.
 * `id` is an integer, a string of at most 64 characters or null; `params` an object
 * whose values are strings, numbers, booleans or arrays (sent on as JSON, as
 * `symbols=["A","B"]` is on REST). Pure.
 */
import { ApiError } from '../http/api-error.js';
import { WS_API_METHOD_NAMES } from './api-method-names.js';

/** Parameter values as the REST endpoints read them. */
export type ApiParams = Readonly<Record<string, string>>;

/** One parsed request. */
export interface ApiRequest {
  readonly id: number | string | null;
  readonly method: string;
  readonly params: ApiParams;
}

/** A request that cannot be read, with its `id` when it had one. */
export class WsApiRequestError extends Error {
  override readonly name = 'WsApiRequestError';

  constructor(
    readonly error: ApiError,
    readonly id: number | string | null,
  ) {
    super(error.message);
  }
}

/**
 * Parses a message body.
 * @throws WsApiRequestError (Binance -1102 or -1100) for a frame that is not a request
 */
export function parseApiRequest(body: string | undefined): ApiRequest {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    throw new WsApiRequestError(new ApiError('MALFORMED_JSON', { field: 'body' }), null);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WsApiRequestError(
      new ApiError('MALFORMED_JSON', { field: 'body', detail: 'expected a JSON object' }),
      null,
    );
  }
  const fields = json as Record<string, unknown>;
  const rawId = fields.id ?? null;
  const validId =
    rawId === null ||
    (typeof rawId === 'number' && Number.isSafeInteger(rawId)) ||
    (typeof rawId === 'string' && rawId.length <= 64);
  if (!validId) throw new WsApiRequestError(new ApiError('BAD_PARAMETER', { field: 'id' }), null);
  const id = rawId as number | string | null;
  const method = fields.method;
  if (typeof method !== 'string' || !WS_API_METHOD_NAMES.includes(method)) {
    throw new WsApiRequestError(new ApiError('BAD_PARAMETER', { field: 'method' }), id);
  }
  const raw = fields.params ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new WsApiRequestError(new ApiError('BAD_PARAMETER', { field: 'params' }), id);
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') params[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') params[name] = String(value);
    else if (Array.isArray(value)) params[name] = JSON.stringify(value);
    else throw new WsApiRequestError(new ApiError('BAD_PARAMETER', { field: name }), id);
  }
  return { id, method, params };
}
