/**
 * The stream API's request frame, Binance's: `{"method":"SUBSCRIBE","params":[…],"id":1}`.
 */
import { z } from 'zod';
import { WsRequestError } from './ws-errors.js';

/** The methods served; anything else is `INVALID_REQUEST`. */
export const WS_METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS'] as const;
export type WsMethod = (typeof WS_METHODS)[number];

/** One parsed request. */
export interface WsRequest {
  readonly method: WsMethod;
  readonly params: readonly string[];
  readonly id: number | string | null;
}

const idSchema = z.union([z.number().int(), z.string().max(64), z.null()]);

/**
 * Parses a message body.
 * @throws WsRequestError INVALID_JSON, INVALID_REQUEST or INVALID_VALUE_TYPE, with the
 * request's `id` when it could be read
 */
export function parseRequest(body: string | undefined): WsRequest {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    throw new WsRequestError('INVALID_JSON', 'Invalid JSON: the message must be a JSON object');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new WsRequestError('INVALID_REQUEST', 'Invalid request: the message must be a JSON object');
  }
  const fields = json as Record<string, unknown>;
  const parsedId = idSchema.safeParse(fields.id ?? null);
  if (!parsedId.success) throw new WsRequestError('INVALID_VALUE_TYPE', "Invalid value type: 'id'");
  const id = parsedId.data;
  const method = fields.method;
  if (typeof method !== 'string' || !(WS_METHODS as readonly string[]).includes(method)) {
    throw new WsRequestError(
      'INVALID_REQUEST',
      `Invalid request: 'method' must be one of ${WS_METHODS.join(', ')}`,
      id,
    );
  }
  const params = fields.params ?? [];
  if (!Array.isArray(params) || !params.every((p): p is string => typeof p === 'string')) {
    throw new WsRequestError(
      'INVALID_VALUE_TYPE',
      "Invalid value type: 'params' must be an array of strings",
      id,
    );
  }
  return { method: method as WsMethod, params, id };
}
