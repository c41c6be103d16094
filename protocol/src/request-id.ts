/**
 * Request ids: the edge names each command it enqueues with a UUID version 7 (RFC 9562),
 * whose first 48 bits are the Unix time in milliseconds it was made. The engine reads
 * that time back to know when a request cannot have been journaled yet, and skips the
 * journal lookup for it (see the engine's `recent-requests.ts`). Ids of any other form
 * are still accepted; they are always looked up.
 */
import { v7 } from 'uuid';

/**
 * A fresh request id: a UUID version 7, made now (each later than the one before) or at
 * `madeAt` (Unix ms).
 */
export function newRequestId(madeAt?: number): string {
  return madeAt === undefined ? v7() : v7({ msecs: madeAt });
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * The Unix time in milliseconds a request id was made at, when it is a UUID version 7;
 * undefined for any other id.
 * @example requestIdTime('0190a4f2-1c3e-7b2a-9c4d-5e6f7a8b9c0d') // 1720754248766
 */
export function requestIdTime(requestId: string): number | undefined {
  if (requestId.length !== 36 || !UUID_V7.test(requestId)) return undefined;
  return Number.parseInt(requestId.slice(0, 8) + requestId.slice(9, 13), 16);
}
