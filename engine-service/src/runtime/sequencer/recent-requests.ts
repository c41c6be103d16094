import type { Reply } from '@exchange/protocol';

/** Request ids of this many recent commands are kept in memory for deduplication. */
export const RECENT_REQUEST_IDS = 10_000;

/**
 * The de-duplication window: request id → reply of the last {@link RECENT_REQUEST_IDS}
 * commands sequenced. It covers the batches whose appends are still in flight when a
 * later batch's lookup reads the journal, which cannot see them yet.
 */
export class RecentRequests {
  private readonly replies = new Map<string, Reply>();

  constructor(private readonly capacity = RECENT_REQUEST_IDS) {}

  has(requestId: string): boolean {
    return this.replies.has(requestId);
  }

  get(requestId: string): Reply | undefined {
    return this.replies.get(requestId);
  }

  /** Keeps `reply` for `requestId`, forgetting the oldest id beyond the capacity. */
  remember(requestId: string, reply: Reply): void {
    this.replies.set(requestId, reply);
    if (this.replies.size > this.capacity) {
      this.replies.delete(this.replies.keys().next().value as string);
    }
  }
}
