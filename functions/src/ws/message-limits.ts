/**
 * Admission of one WebSocket message: one Redis round trip (`admitWindows` of
 * `../http/admission.ts`) counts it against its connection's message window
 * (`{prefix}rl:conn:{connectionId}`, the limit of its kind of route in
 * `message-limit-settings.ts`) and, when `ipWeight` is above 0, against its source IP's
 * request-weight window, the REST API's (`{prefix}rl:ip:{ip}`). The connection comes
 * first: a connection over its limit spends nothing of its IP's budget.
 *
 * While Redis cannot be reached the windows are counted in this process's memory, as
 * the REST API's public endpoints do, so WebSocket API methods that need no Redis keep
 * serving under a limit.
 */
import { isDependencyFailure } from '../db/dependency-errors.js';
import { keys, redis, redisDown } from '../db/redis.js';
import { admitWindows, type WindowSpec } from '../http/admission.js';
import { MemoryWindows } from '../http/memory-windows.js';
import { ipWindowKey } from '../http/middleware/rate-limit.js';
import { limitDescription, rateLimits } from '../http/rate-limit-settings.js';
import {
  type MessageLimitSettings,
  messageLimitDescription,
  messageLimits,
} from './message-limit-settings.js';

/** Which routes a message took: the stream routes or the WebSocket API. */
export type MessageRoutes = keyof MessageLimitSettings;

/** The outcome: refused names the budget spent, in Binance's wording, and when it renews. */
export type MessageAdmission =
  | { readonly admitted: true }
  | {
      readonly admitted: false;
      readonly scope: 'connection' | 'ip';
      readonly limit: string;
      readonly retryAfterMs: number;
    };

const memory = new MemoryWindows();

/** The Redis key of a connection's message window. */
export function connectionWindowKey(connectionId: string): string {
  return `${keys().prefix}rl:conn:${connectionId}`;
}

/**
 * Counts one message of `connectionId` (and `ipWeight` against `sourceIp`).
 * @example
 * const admission = await admitMessage(event.requestContext.connectionId, 'stream');
 * if (!admission.admitted) throw new WsRequestError('TOO_MANY_MESSAGES', …);
 * @throws what Redis throws but for its being unreachable
 */
export async function admitMessage(
  connectionId: string,
  routes: MessageRoutes,
  sourceIp = '',
  ipWeight = 0,
): Promise<MessageAdmission> {
  const rates = rateLimits();
  if (!rates.enabled) return { admitted: true };
  const limit = messageLimits()[routes];
  const windows: Window[] = [
    {
      key: connectionWindowKey(connectionId),
      weight: 1,
      points: limit.messages,
      windowMs: limit.windowSeconds * 1000,
    },
  ];
  if (ipWeight > 0 && sourceIp !== '') {
    windows.push({
      key: ipWindowKey(sourceIp),
      weight: ipWeight,
      points: rates.ipPoints,
      windowMs: rates.ipWindowSeconds * 1000,
    });
  }
  const [refused, retryAfterMs] = await spend(windows);
  if (refused < 0) return { admitted: true };
  return refused === 0
    ? { admitted: false, scope: 'connection', limit: messageLimitDescription(limit), retryAfterMs }
    : { admitted: false, scope: 'ip', limit: limitDescription(rates, 'ip'), retryAfterMs };
}

type Window = WindowSpec & { readonly weight: number };

/** [index of the window refused or -1, ms until it renews]: in Redis, or in memory while Redis is down. */
async function spend(windows: readonly Window[]): Promise<[number, number]> {
  const client = redis();
  if (!redisDown(client)) {
    try {
      const admission = await admitWindows(client, windows);
      return admission.admitted ? [-1, 0] : [admission.window, admission.retryAfterMs];
    } catch (error) {
      if (!isDependencyFailure(error)) throw error;
    }
  }
  for (const [i, w] of windows.entries()) {
    const ms = memory.spend(w.key, w.weight, w.points, w.windowMs);
    if (ms >= 0) return [i, ms];
  }
  return [-1, 0];
}
