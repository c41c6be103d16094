/**
 * What the WebSocket route handlers read from API Gateway's Lambda proxy events, and the
 * shared wrapper that turns request errors into error messages.
 */
import { type Logger, pino } from 'pino';
import { isDependencyFailure } from '../db/dependency-errors.js';
import { admitMessage } from './message-limits.js';
import { WsRequestError } from './ws-errors.js';

/** The fields of an API Gateway WebSocket event the handlers use. */
export interface WsEvent {
  readonly requestContext: {
    readonly connectionId: string;
    readonly connectedAt: number;
    readonly routeKey: string;
    /** The client's address (API Gateway sends it with every event). */
    readonly identity?: { readonly sourceIp: string; readonly userAgent?: string };
  };
  /** `$connect` only. */
  readonly queryStringParameters?: Record<string, string | undefined> | null;
  /** Messages only. */
  readonly body?: string | null;
}

/** A route's answer: `body` is sent back to the client (route response). */
export interface WsResult {
  readonly statusCode: number;
  readonly body?: string;
}

let shared: Logger | undefined;

/** The WebSocket handlers' logger (pino, level `LOG_LEVEL`). */
export function wsLogger(): Logger {
  shared ??= pino({ name: 'ws', level: process.env.LOG_LEVEL ?? 'info' });
  return shared;
}

/**
 * A message route from a function returning the reply object. Each message is first
 * counted against its connection's limit (`message-limits.ts`): over it, the answer is
 * a `TOO_MANY_MESSAGES` error with `retryAfter`. A {@link WsRequestError} becomes its
 * error message, a dependency that is down an `UNAVAILABLE` one (try again), any other
 * error an `INTERNAL` one (logged); either way the connection stays open.
 */
export function messageRoute(
  answer: (event: WsEvent) => Promise<unknown>,
): (event: WsEvent) => Promise<WsResult> {
  return async (event) => {
    try {
      const admission = await admitMessage(event.requestContext.connectionId, 'stream');
      if (!admission.admitted) {
        throw new WsRequestError(
          'TOO_MANY_MESSAGES',
          `Too many messages; current limit is ${admission.limit}`,
          requestId(event),
          Date.now() + admission.retryAfterMs,
        );
      }
      return { statusCode: 200, body: JSON.stringify(await answer(event)) };
    } catch (error) {
      if (error instanceof WsRequestError) return { statusCode: 200, body: JSON.stringify(error.body()) };
      if (isDependencyFailure(error)) {
        wsLogger().warn({ err: error, route: event.requestContext.routeKey }, 'dependency unavailable');
        const unavailable = new WsRequestError(
          'UNAVAILABLE',
          'Service unavailable; try again',
          requestId(event),
        );
        return { statusCode: 200, body: JSON.stringify(unavailable.body()) };
      }
      wsLogger().error({ err: error, route: event.requestContext.routeKey }, 'WebSocket route failed');
      const internal = new WsRequestError('INTERNAL', 'Internal error');
      return { statusCode: 200, body: JSON.stringify(internal.body()) };
    }
  };
}

/** The request's `id`, when its body is a JSON object that has one. */
function requestId(event: WsEvent): number | string | null {
  try {
    const id = (JSON.parse(event.body ?? '') as { id?: unknown }).id;
    return typeof id === 'number' || typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
