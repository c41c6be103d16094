/**
 * Posts frames to WebSocket connections through API Gateway's `@connections` API, so
 * that no connection can hold up another and each costs a bounded number of posts:
 *
 * - **one queue per connection**, at most one post in flight per connection (frames
 *   arrive in order), and at most `concurrency` posts in flight overall, over
 *   keep-alive sockets;
 * - **adaptive coalescing, bounded per second**: a connection that is idle and whose
 *   last post started at least `minPostIntervalMs` ago gets its frame at once; otherwise
 *   its native frames pile up (while its post is in flight, then until the interval
 *   since its last post has passed) and the next post sends them together as one JSON
 *   array. With the default 100 ms that is at most 10 posts of native frames per
 *   connection per second, whatever the event rate, against the account's shared
 *   `@connections` quota (10,000 requests/s) and its per-message billing;
 * - **API Gateway's limits**: a coalesced message stays within `maxBatchBytes` (UTF-8
 *   bytes; API Gateway takes messages up to 128 KiB and delivers them in frames of
 *   32 KiB); a single frame over it cannot be posted at all and is dropped, counted;
 * - **Binance's per-event streams** (`@trade`, `@bookTicker`, …) go one event per
 *   message, as Binance clients expect, and at once: each costs one post;
 * - **slow consumers are dropped**: a connection with more than `maxQueuedFrames`
 *   waiting is disconnected (`DeleteConnection`) and forgotten, rather than served
 *   with holes in its streams — a client that missed depth diffs could not keep an
 *   exact book anyway, and reconnecting resyncs it;
 * - **`GoneException`** (410): the connection is forgotten and `onGone` cleans the
 *   registry; **`LimitExceededException`** (429): every post pauses for a backoff
 *   that doubles up to 1 s and resets on success, and the frame is retried; any other
 *   failure is retried twice, then its frames are dropped and counted;
 * - **lost registrations**: {@link ConnectionPoster.closeLost} disconnects a connection
 *   the registry no longer knows (Redis lost its data), so its client reconnects.
 */
import type { Logger } from 'pino';
import type { ConnectionsApi } from './connections-client.js';

/** API Gateway's cap on one message posted to a connection. */
export const MAX_MESSAGE_BYTES = 128 * 1024;

export interface ConnectionPosterOptions {
  readonly client: ConnectionsApi;
  /** Posts in flight at most, over all connections. Default 64. */
  readonly concurrency?: number;
  /** Frames waiting per connection before it is dropped as too slow. Default 1000. */
  readonly maxQueuedFrames?: number;
  /** Largest coalesced message, in UTF-8 bytes. Default and most {@link MAX_MESSAGE_BYTES}. */
  readonly maxBatchBytes?: number;
  /** Least time between the starts of two posts of native frames to one connection. Default 100 ms. */
  readonly minPostIntervalMs?: number;
  /** Called once for a connection that is gone or was dropped: clean the registry. */
  readonly onGone: (connectionId: string, why: 'gone' | 'slow' | 'lost') => void;
  readonly logger: Logger;
}

/** Counters since start. */
export interface PosterStats {
  posts: number;
  frames: number;
  gone: number;
  slowDropped: number;
  /** Connections closed because their registration vanished (Redis lost its data). */
  lost: number;
  throttled: number;
  /** Posts sent again after a failure other than throttling (a timed-out post may have arrived: its frames then arrive twice). */
  retried: number;
  failedFrames: number;
  inFlight: number;
  queuedFrames: number;
  /** Frames over `maxBatchBytes`, which no post can carry. */
  oversizeFrames: number;
}

interface Queue {
  frames: string[];
  /** UTF-8 size of each frame. */
  bytes: number[];
  batchable: boolean[];
  head: number;
  /** When this connection's last post started (ms). */
  lastPostAt: number;
  /** Set while the connection waits for its interval to pass. */
  timer: NodeJS.Timeout | undefined;
  /** A payload to post again (throttled or failed), with the frames it holds. */
  retry: { readonly payload: string; readonly frames: number } | undefined;
  attempts: number;
  inFlight: boolean;
  ready: boolean;
}

const MAX_ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;

/** @example const poster = new ConnectionPoster({ client, onGone, logger }); poster.enqueue(id, frame, true); */
export class ConnectionPoster {
  readonly stats: PosterStats = {
    posts: 0,
    frames: 0,
    gone: 0,
    slowDropped: 0,
    lost: 0,
    throttled: 0,
    retried: 0,
    failedFrames: 0,
    inFlight: 0,
    queuedFrames: 0,
    oversizeFrames: 0,
  };
  private readonly client: ConnectionsApi;
  private readonly concurrency: number;
  private readonly maxQueuedFrames: number;
  private readonly maxBatchBytes: number;
  private readonly minPostIntervalMs: number;
  private readonly onGone: ConnectionPosterOptions['onGone'];
  private readonly logger: Logger;
  private readonly queues = new Map<string, Queue>();
  /** Connections dropped here, ignored until the registry forgets them. */
  private readonly closed = new Set<string>();
  private ready: string[] = [];
  private readyHead = 0;
  private pausedUntil = 0;
  private backoffMs = FIRST_BACKOFF_MS;
  private resumeTimer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(options: ConnectionPosterOptions) {
    this.client = options.client;
    this.concurrency = options.concurrency ?? 64;
    this.maxQueuedFrames = options.maxQueuedFrames ?? 1000;
    this.maxBatchBytes = Math.min(options.maxBatchBytes ?? MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
    this.minPostIntervalMs = options.minPostIntervalMs ?? 100;
    this.onGone = options.onGone;
    this.logger = options.logger;
  }

  /**
   * Queues one frame for a connection; `bytes` is its UTF-8 size (computed once by the
   * caller for a frame that goes to many connections).
   */
  enqueue(connectionId: string, frame: string, batchable: boolean, bytes = Buffer.byteLength(frame)): void {
    if (this.closed.has(connectionId)) return;
    if (bytes > this.maxBatchBytes) {
      this.stats.oversizeFrames++;
      this.logger.warn({ connectionId, bytes }, 'frame over the message limit dropped');
      return;
    }
    let queue = this.queues.get(connectionId);
    if (queue === undefined) {
      queue = {
        frames: [],
        bytes: [],
        batchable: [],
        head: 0,
        lastPostAt: 0,
        timer: undefined,
        retry: undefined,
        attempts: 0,
        inFlight: false,
        ready: false,
      };
      this.queues.set(connectionId, queue);
    }
    if (queue.frames.length - queue.head >= this.maxQueuedFrames) {
      this.dropSlow(connectionId);
      return;
    }
    queue.frames.push(frame);
    queue.bytes.push(bytes);
    queue.batchable.push(batchable);
    this.stats.queuedFrames++;
    this.markReady(connectionId, queue);
    this.pump();
  }

  /** Forgets a connection the registry no longer has; queued frames are discarded. */
  forget(connectionId: string): void {
    this.closed.delete(connectionId);
    this.discard(connectionId);
  }

  /**
   * Closes a connection whose registration vanished (`DeleteConnection`: API Gateway
   * ends it with 1001 "Going away"), so its client reconnects and subscribes again
   * instead of waiting on streams nobody serves any more.
   */
  closeLost(connectionId: string): void {
    if (this.closed.has(connectionId)) return;
    this.stats.lost++;
    this.logger.info({ connectionId }, 'connection whose registration vanished closed');
    this.closeConnection(connectionId, 'lost');
    this.client.delete(connectionId).catch(() => {});
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.stats.inFlight === 0 && this.stats.queuedFrames === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the timers; posts in flight finish on their own. */
  close(): void {
    clearTimeout(this.resumeTimer);
    for (const queue of this.queues.values()) clearTimeout(queue.timer);
  }

  /**
   * Puts the connection in line for a post: at once when its next message is a
   * per-event frame (or a retry) or its interval has passed, else when it passes.
   */
  private markReady(connectionId: string, queue: Queue): void {
    if (queue.ready || queue.inFlight || queue.timer !== undefined) return;
    const wait =
      queue.retry === undefined && queue.batchable[queue.head] === true
        ? queue.lastPostAt + this.minPostIntervalMs - Date.now()
        : 0;
    if (wait > 0) {
      queue.timer = setTimeout(() => {
        queue.timer = undefined;
        if (this.queues.get(connectionId) !== queue) return;
        this.markReady(connectionId, queue);
        this.pump();
      }, wait);
      return;
    }
    queue.ready = true;
    this.ready.push(connectionId);
  }

  private pump(): void {
    while (this.stats.inFlight < this.concurrency && this.readyHead < this.ready.length) {
      const now = Date.now();
      if (now < this.pausedUntil) {
        this.resumeLater(this.pausedUntil - now);
        return;
      }
      const id = this.ready[this.readyHead++] as string;
      const queue = this.queues.get(id);
      if (queue === undefined) continue;
      queue.ready = false;
      const batch = queue.retry ?? this.takeBatch(queue);
      if (batch === undefined) continue;
      this.post(id, queue, batch);
    }
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
  }

  private resumeLater(delayMs: number): void {
    if (this.resumeTimer !== undefined) return;
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      this.pump();
    }, delayMs);
  }

  /** The next message: native frames batched into a JSON array, or one Binance frame. */
  private takeBatch(queue: Queue): { payload: string; frames: number } | undefined {
    const available = queue.frames.length - queue.head;
    if (available === 0) return undefined;
    const first = queue.frames[queue.head] as string;
    let end = queue.head + 1;
    if (queue.batchable[queue.head]) {
      let bytes = (queue.bytes[queue.head] as number) + 2;
      while (end < queue.frames.length && queue.batchable[end]) {
        bytes += (queue.bytes[end] as number) + 1;
        if (bytes > this.maxBatchBytes) break;
        end++;
      }
    }
    const count = end - queue.head;
    const payload = count === 1 ? first : `[${queue.frames.slice(queue.head, end).join(',')}]`;
    queue.head = end;
    if (queue.head === queue.frames.length) {
      queue.frames = [];
      queue.bytes = [];
      queue.batchable = [];
      queue.head = 0;
    } else if (queue.head > 256) {
      queue.frames = queue.frames.slice(queue.head);
      queue.bytes = queue.bytes.slice(queue.head);
      queue.batchable = queue.batchable.slice(queue.head);
      queue.head = 0;
    }
    return { payload, frames: count };
  }

  private post(id: string, queue: Queue, batch: { payload: string; frames: number }): void {
    queue.inFlight = true;
    queue.retry = undefined;
    queue.lastPostAt = Date.now();
    this.stats.inFlight++;
    this.stats.posts++;
    let sent: Promise<void>;
    try {
      sent = this.client.post(id, batch.payload);
    } catch (error) {
      // A client that throws instead of rejecting: the bookkeeping below still runs.
      sent = Promise.reject(error);
    }
    sent
      .then(
        () => {
          queue.attempts = 0;
          this.backoffMs = FIRST_BACKOFF_MS;
          this.stats.frames += batch.frames;
          this.stats.queuedFrames -= batch.frames;
        },
        (error: unknown) => this.failed(id, queue, batch, error),
      )
      .finally(() => {
        queue.inFlight = false;
        this.stats.inFlight--;
        if (
          this.queues.get(id) === queue &&
          (queue.retry !== undefined || queue.head < queue.frames.length)
        ) {
          this.markReady(id, queue);
        }
        this.pump();
        this.checkIdle();
      });
  }

  private failed(id: string, queue: Queue, batch: { payload: string; frames: number }, error: unknown): void {
    if (this.queues.get(id) !== queue) {
      // Dropped or forgotten while this post was in flight: nothing to retry or report.
      this.stats.queuedFrames -= batch.frames;
      return;
    }
    const name = (error as { name?: string }).name;
    if (name === 'GoneException') {
      this.stats.queuedFrames -= batch.frames;
      this.stats.gone++;
      this.closeConnection(id, 'gone');
      return;
    }
    if (name === 'LimitExceededException' || name === 'ThrottlingException') {
      this.stats.throttled++;
      this.pausedUntil = Date.now() + this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
      queue.retry = batch;
      return;
    }
    queue.attempts++;
    if (queue.attempts < MAX_ATTEMPTS) {
      this.stats.retried++;
      queue.retry = batch;
      return;
    }
    queue.attempts = 0;
    this.stats.queuedFrames -= batch.frames;
    this.stats.failedFrames += batch.frames;
    this.logger.warn(
      { err: error, connectionId: id, frames: batch.frames },
      'post to connection failed; frames dropped',
    );
  }

  private dropSlow(id: string): void {
    this.stats.slowDropped++;
    this.logger.info({ connectionId: id }, 'slow connection dropped');
    this.closeConnection(id, 'slow');
    this.client.delete(id).catch(() => {});
  }

  private closeConnection(id: string, why: 'gone' | 'slow' | 'lost'): void {
    this.closed.add(id);
    this.discard(id);
    this.onGone(id, why);
  }

  private discard(id: string): void {
    const queue = this.queues.get(id);
    if (queue === undefined) return;
    clearTimeout(queue.timer);
    this.queues.delete(id);
    this.stats.queuedFrames -= queue.frames.length - queue.head + (queue.retry?.frames ?? 0);
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.stats.inFlight !== 0 || this.stats.queuedFrames !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
