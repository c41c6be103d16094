import { performance } from 'node:perf_hooks';
import type { Engine, EngineSnapshot } from '../../core/index.js';

/** What a {@link Snapshotter} needs from storage. */
export interface SnapshotSink {
  save(seq: number, snapshot: EngineSnapshot): Promise<void>;
}

export interface SnapshotterOptions {
  /** Take a snapshot once this many journal seqs passed since the last one. */
  readonly everyCommands: number;
  /** …or once this many milliseconds passed and at least one command came. */
  readonly everyMs: number;
  /** The journal seq of the snapshot recovery started from (0: none). */
  readonly startSeq?: number;
  /** Clock in ms; default `performance.now`. */
  readonly now?: () => number;
  /** A failed write; the next call after it tries again. Default: ignored. */
  readonly onError?: (error: unknown, seq: number) => void;
  /** A written snapshot, with the time the engine was stalled and the time the write took. */
  readonly onSaved?: (info: SnapshotTaken) => void;
}

export interface SnapshotTaken {
  readonly seq: number;
  /** How long `engine.snapshot()` held the matching path. */
  readonly pauseMs: number;
  /** Serialisation (sliced, off the matching path) plus the database write. */
  readonly writeMs: number;
}

/**
 * Decides when to snapshot and takes snapshots without stalling matching for long:
 * `engine.snapshot()` copies the state into plain data synchronously (the only
 * pause), then serialisation and the database write run asynchronously while the
 * engine goes on. At most one write is in flight; while one is, a due snapshot waits
 * for the next call after it finishes.
 *
 * Call {@link Snapshotter.afterApplied} after each batch is applied, with the promise
 * of its journal append: the state is copied at once (the engine may go on to the
 * next batch before the journal has this one), and written only once the journal
 * holds every command in it — a snapshot must not include a command the journal
 * could still lose. If that append fails, the snapshot is dropped.
 *
 * @example
 * const snapshotter = new Snapshotter(store, { everyCommands: 100_000, everyMs: 60_000, startSeq });
 * // after each applied batch:
 * snapshotter.afterApplied(engine, lastSeqOfBatch, journalAppendOfBatch);
 * // on shutdown:
 * await snapshotter.idle();
 */
export class Snapshotter {
  private lastSeq: number;
  private lastAt: number;
  private writing: Promise<void> | null = null;
  private readonly now: () => number;
  /** `engine.snapshot()` pause of the last snapshot taken, in ms. */
  lastPauseMs = 0;
  /** The longest such pause so far, in ms. */
  maxPauseMs = 0;

  constructor(
    private readonly sink: SnapshotSink,
    private readonly options: SnapshotterOptions,
  ) {
    if (!(options.everyCommands > 0) || !(options.everyMs > 0))
      throw new Error('snapshot intervals must be positive');
    this.now = options.now ?? (() => performance.now());
    this.lastSeq = options.startSeq ?? 0;
    this.lastAt = this.now();
  }

  /** Whether a snapshot write is in flight. */
  get busy(): boolean {
    return this.writing !== null;
  }

  /**
   * Takes a snapshot of `engine` when one is due: `seq` (the journal seq the engine
   * has applied up to) is `everyCommands` past the last snapshot, or `everyMs`
   * passed and `seq` moved. Checked on calls only: an idle engine has nothing new.
   * @param journaled settles when the journal holds every seq up to `seq`
   *   (already journaled: omit it)
   * @returns whether a snapshot was taken (its write then starts once `journaled` resolves)
   */
  afterApplied(engine: Engine, seq: number, journaled?: Promise<unknown>): boolean {
    if (this.writing !== null || seq <= this.lastSeq) return false;
    const now = this.now();
    if (seq - this.lastSeq < this.options.everyCommands && now - this.lastAt < this.options.everyMs)
      return false;
    const snapshot = engine.snapshot();
    const pauseMs = this.now() - now;
    this.lastPauseMs = pauseMs;
    this.maxPauseMs = Math.max(this.maxPauseMs, pauseMs);
    this.lastSeq = seq;
    this.lastAt = now;
    this.writing = this.write(seq, snapshot, pauseMs, journaled);
    return true;
  }

  /** Resolves when no write is in flight (for shutdown and tests). */
  async idle(): Promise<void> {
    await this.writing;
  }

  private async write(
    seq: number,
    snapshot: EngineSnapshot,
    pauseMs: number,
    journaled: Promise<unknown> | undefined,
  ): Promise<void> {
    if (journaled !== undefined) {
      try {
        await journaled;
      } catch {
        // The journal lost the batch: this state must never be saved (the engine stops).
        this.writing = null;
        return;
      }
    }
    const started = this.now();
    try {
      await this.sink.save(seq, snapshot);
      this.options.onSaved?.({ seq, pauseMs, writeMs: this.now() - started });
    } catch (error) {
      // Not saved: make the next call try again rather than wait a whole interval.
      this.lastSeq = 0;
      this.lastAt = Number.NEGATIVE_INFINITY;
      this.options.onError?.(error, seq);
    } finally {
      this.writing = null;
    }
  }
}
