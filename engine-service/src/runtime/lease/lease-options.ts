/**
 * How a {@link Lease} is configured: its options, their defaults, and the checks that
 * refuse a bad configuration when the lease is built.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Lease } from './lease.js';

/** How long the lease lives without a renewal, when not configured: 10 s. */
export const DEFAULT_LEASE_TTL_MS = 10_000;
/** How often a waiting engine retries, when not configured: 1 s. */
export const DEFAULT_LEASE_POLL_INTERVAL_MS = 1_000;

/**
 * Where fencing tokens are made durable: the store the fenced writes go to (the
 * engine's journal database, see `JournalFence`). Redis alone cannot be trusted with
 * the count: a Redis that lost its data would hand out 1 again.
 */
export interface Fence {
  /**
   * Raises the durable token above every token it has seen and to at least `atLeast`
   * (the token Redis gave); returns the raised token. Raising it fences out every
   * earlier holder's writes at once.
   */
  raise(atLeast: number): Promise<number>;
}

/** Options of {@link Lease}. */
export interface LeaseOptions {
  /**
   * A connected client in normal (not subscriber) mode. The lease does not own it and
   * never closes it. In Redis Cluster, give `key` a hash tag (`{engine}:lease`) so that
   * the key and its token counter share a slot.
   */
  readonly redis: Redis;
  /** The lease key, e.g. `engine:lease`. The token counter lives at `<key>:token`. */
  readonly key: string;
  /** Who we are, for operators reading the key. Default: `<hostname>:<pid>`. */
  readonly holder?: string;
  /** How long the key lives without a renewal, in ms. Default {@link DEFAULT_LEASE_TTL_MS}. */
  readonly ttlMs?: number;
  /** How often the holder renews, in ms; must be below `ttlMs`. Default `ttlMs / 3`. */
  readonly renewIntervalMs?: number;
  /** How long a waiting `acquire` sleeps between attempts, in ms (fixed, no jitter). Default {@link DEFAULT_LEASE_POLL_INTERVAL_MS}. */
  readonly pollIntervalMs?: number;
  /**
   * The durable side of the fencing token. With it, each acquisition's token comes from
   * {@link Fence.raise} (and Redis's counter is raised to match), so tokens keep growing
   * across a Redis that lost its data. Without it, tokens are Redis's counter alone.
   */
  readonly fence?: Fence;
}

/** Options of {@link Lease.acquire}. */
export interface AcquireOptions {
  /** Stops the wait (e.g. on SIGTERM); `acquire` then rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/** The lease's validated settings, defaults applied. */
export interface LeaseSettings {
  readonly key: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly renewIntervalMs: number;
  readonly pollIntervalMs: number;
}

/**
 * The settings `options` ask for, defaults applied.
 * @throws TypeError for an empty key or holder; RangeError for a duration that is not a
 *   positive integer, or a renewal interval not below the ttl
 */
export function leaseSettings(options: LeaseOptions): LeaseSettings {
  const ttlMs = requirePositiveInteger('ttlMs', options.ttlMs ?? DEFAULT_LEASE_TTL_MS);
  const renewIntervalMs = requirePositiveInteger(
    'renewIntervalMs',
    options.renewIntervalMs ?? Math.max(1, Math.floor(ttlMs / 3)),
  );
  if (renewIntervalMs >= ttlMs) {
    throw new RangeError(`renewIntervalMs (${renewIntervalMs}) must be below ttlMs (${ttlMs})`);
  }
  return {
    key: requireText('key', options.key),
    holder: requireText('holder', options.holder ?? `${hostname()}:${process.pid}`),
    ttlMs,
    renewIntervalMs,
    pollIntervalMs: requirePositiveInteger(
      'pollIntervalMs',
      options.pollIntervalMs ?? DEFAULT_LEASE_POLL_INTERVAL_MS,
    ),
  };
}

function requireText(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function requirePositiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
