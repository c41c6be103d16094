/**
 * Errors sent back over the socket, in Binance's stream-API shape:
 * `{"error":{"code":2,"msg":"…"},"id":1}`. The connection stays open. Codes 0–3 are
 * Binance's; 4 and up are ours. Never renumber: clients key off `code`.
 */

/** Every error a message can earn, with its stable number. */
export const WS_ERROR_CODES = {
  /** Binance 0: a server-side failure (a bug). */
  INTERNAL: 0,
  /** Binance 1: a parameter has the wrong type (`params` not an array of strings, `id` not a number). */
  INVALID_VALUE_TYPE: 1,
  /** Binance 2: the message is JSON but not a request (`method` unknown or missing). */
  INVALID_REQUEST: 2,
  /** Binance 3: the message is not JSON. */
  INVALID_JSON: 3,
  /** No such stream (unknown name, market or interval). */
  UNKNOWN_STREAM: 4,
  /** A private stream on a connection whose `$connect` was not signed. */
  AUTH_REQUIRED: 5,
  /** More than `WS_MAX_STREAMS_PER_CONNECTION` streams on one connection. */
  TOO_MANY_STREAMS: 6,
  /** The connection is not registered (its registration expired). */
  UNKNOWN_CONNECTION: 7,
  /** A dependency (Redis) cannot be reached now: send the request again in a moment. */
  UNAVAILABLE: 8,
  /** More messages than the connection's limit (`message-limit-settings.ts`): send again after `retryAfter`. */
  TOO_MANY_MESSAGES: 9,
} as const;
export type WsErrorCode = keyof typeof WS_ERROR_CODES;

/** The error message a client receives. */
export interface WsErrorBody {
  readonly error: {
    readonly code: number;
    readonly name: WsErrorCode;
    readonly msg: string;
    /** `TOO_MANY_MESSAGES`: when the connection may send again, ms since the epoch. */
    readonly retryAfter?: number;
  };
  readonly id: number | string | null;
}

/** A request that cannot be served; the route handlers turn it into a {@link WsErrorBody}. */
export class WsRequestError extends Error {
  override readonly name = 'WsRequestError';

  constructor(
    readonly code: WsErrorCode,
    message: string,
    readonly id: number | string | null = null,
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** The message sent to the client. */
  body(): WsErrorBody {
    const error = { code: WS_ERROR_CODES[this.code], name: this.code, msg: this.message };
    return {
      error: this.retryAfter === undefined ? error : { ...error, retryAfter: this.retryAfter },
      id: this.id,
    };
  }
}
