/**
 * Replay protection for signed requests: each signature is accepted once. The first
 * request to present it claims `{prefix}sig:{apiKey}:{signature}` — REST requests inside
 * the admission script of `http/admission.ts` (one round trip with the rate limits), a
 * signed WebSocket `$connect` with {@link claimSignature} — and a second request with
 * the same signature (byte-identical parameters and timestamp) finds the claim and is
 * refused as a replay.
 *
 * A claim only has to outlive the time in which its signature could pass the timing
 * check (`timestamp + recvWindow`), plus a margin for clock differences between
 * function instances, so Redis holds at most one small key per signed request for at
 * most 61 s.
 */

import type { Redis } from 'ioredis';

/** Added to every claim's lifetime, for clock skew between instances. */
export const CLOCK_SKEW_MARGIN_MS = 1000;

/** The Redis key of one signature's claim. */
export function replayKey(prefix: string, apiKey: string, signature: string): string {
  return `${prefix}sig:${apiKey}:${signature}`;
}

/** How long a claim must live for a request signed at `timestamp` with `recvWindow`, seen at `nowMs`. */
export function claimLifetimeMs(timestamp: number, recvWindow: number, nowMs: number): number {
  return Math.max(1, Math.ceil(timestamp + recvWindow - nowMs)) + CLOCK_SKEW_MARGIN_MS;
}

/**
 * Claims a signature on its own (`SET NX PX`); true when it was fresh, false when it
 * was already claimed.
 *
 * @example
 * if (!(await claimSignature(redis(), replayKey(prefix, apiKey, sig), claimLifetimeMs(ts, window, now)))) {
 *   throw new ApiError('REPLAYED_REQUEST');
 * }
 */
export async function claimSignature(client: Redis, key: string, lifetimeMs: number): Promise<boolean> {
  return (await client.set(key, '1', 'PX', lifetimeMs, 'NX')) === 'OK';
}
