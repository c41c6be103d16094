/** Appends in flight at once: one committing, one waiting for it. */
export const MAX_PENDING_APPENDS = 2;

/**
 * The journal appends in flight, oldest first. Each append waits for the one before
 * ({@link tail}) so they commit in sequence order; the sequencer applies no further
 * batch while {@link full}.
 */
export class JournalChain {
  private pending: Promise<void>[] = [];
  private last: Promise<void> = Promise.resolve();

  /** The newest append: the next one chains on it. */
  get tail(): Promise<void> {
    return this.last;
  }

  /** Whether {@link MAX_PENDING_APPENDS} are in flight. */
  get full(): boolean {
    return this.pending.length >= MAX_PENDING_APPENDS;
  }

  /** The oldest append in flight (while {@link full}). */
  get oldest(): Promise<void> {
    return this.pending[0] as Promise<void>;
  }

  /** Adds an append that chained on {@link tail}; it leaves the chain when it settles. */
  add(append: Promise<void>): void {
    this.last = append;
    this.pending.push(append);
    append
      .catch(() => undefined)
      .finally(() => {
        this.pending = this.pending.filter((p) => p !== append);
      });
  }

  /** Settles when every append added so far has, whatever their outcome. */
  async settled(): Promise<void> {
    await this.last.catch(() => undefined);
  }
}
