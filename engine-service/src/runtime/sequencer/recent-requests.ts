import { type Reply, requestIdTime } from '@exchange/protocol';

/** Replies of this many recent commands are kept in memory for deduplication. */
export const RECENT_REQUEST_IDS = 10_000;

/** Request ids (without replies) of this many recent commands are kept to prove others new. */
export const COVERED_REQUEST_IDS = 200_000;

/**
 * How far the clock that made a request id may run ahead of the engine's. Cloud hosts
 * keep within milliseconds of each other (NTP); a larger error only sends more
 * requests to the journal lookup, never one past it wrongly (see {@link RecentRequests.surelyNew}).
 */
export const MAX_CLOCK_SKEW_MS = 5_000;

/** Where the window's coverage starts. */
export interface RecentRequestsOptions {
  /**
   * The `time` of the last command journaled before this window started (recovery's):
   * every id journaled later is one this window sees. Undefined: unknown, so no request
   * is ever proved new and every one is looked up.
   */
  readonly lastJournaledTime?: number;
  readonly replies?: number;
  readonly ids?: number;
}

/**
 * The de-duplication window, in two parts.
 *
 * - Request id → reply of the last {@link RECENT_REQUEST_IDS} commands sequenced. It
 *   covers the batches whose appends are still in flight when a later batch's lookup
 *   reads the journal, which cannot see them yet, and answers a repeat at once.
 * - The ids, with their batch `time`, of the last {@link COVERED_REQUEST_IDS}, and
 *   `coveredSince`: every request journaled at a time ≥ `coveredSince` is among them.
 *   A request whose id says it was made after `coveredSince` (a UUID version 7, less
 *   {@link MAX_CLOCK_SKEW_MS}) and is not among them was never journaled, so its
 *   journal lookup is skipped: at light load that lookup was a third of the engine's
 *   time per order. Retries of older requests (a client's after a crash, a withdrawal
 *   settlement's resend) are still looked up.
 *
 * Should the clocks ever be further apart than assumed, the journal's unique request id
 * still refuses the second append, which stops the engine before anything is published.
 */
export class RecentRequests {
  private readonly replies = new Map<string, Reply>();
  private readonly ids = new Map<string, number>();
  private coveredSince: number;
  private readonly replyCapacity: number;
  private readonly idCapacity: number;

  constructor(options: RecentRequestsOptions = {}) {
    this.coveredSince =
      options.lastJournaledTime === undefined ? Number.POSITIVE_INFINITY : options.lastJournaledTime + 1;
    this.replyCapacity = options.replies ?? RECENT_REQUEST_IDS;
    this.idCapacity = Math.max(options.ids ?? COVERED_REQUEST_IDS, this.replyCapacity);
  }

  /** The reply of a recent command with this id, if its reply is still kept. */
  get(requestId: string): Reply | undefined {
    return this.replies.get(requestId);
  }

  /** Whether the journal surely holds no command with this id (so it need not be asked). */
  surelyNew(requestId: string): boolean {
    if (this.ids.has(requestId)) return false;
    const made = requestIdTime(requestId);
    return made !== undefined && made - MAX_CLOCK_SKEW_MS >= this.coveredSince;
  }

  /** Keeps `reply` for `requestId`, journaled at `time`, forgetting the oldest beyond the capacities. */
  remember(requestId: string, reply: Reply, time: number): void {
    this.replies.set(requestId, reply);
    if (this.replies.size > this.replyCapacity)
      this.replies.delete(this.replies.keys().next().value as string);
    this.ids.set(requestId, time);
    if (this.ids.size > this.idCapacity) {
      const [oldest, oldestTime] = this.ids.entries().next().value as [string, number];
      this.ids.delete(oldest);
      // Batches' times only rise: every id journaled after this one's batch is kept.
      this.coveredSince = Math.max(this.coveredSince, oldestTime + 1);
    }
  }
}
