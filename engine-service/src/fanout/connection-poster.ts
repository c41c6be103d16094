/**
 * Posts frames to WebSocket connections through API Gateway's `@connections` API, so
 * that no connection can hold up another:
 *
 * - **one queue per connection**, at most one post in flight per connection (frames
 *   arrive in order), and at most `concurrency` posts in flight overall, over
 *   keep-alive sockets;
 * - **adaptive batching**: while a connection's post is in flight its native frames
 *   pile up, and the next post sends them together as one JSON array (at most
 *   `maxBatchBytes`); Binance frames always go one per message;
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
import {
  type ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import type { Logger } from 'pino';

export interface ConnectionPosterOptions {
  readonly client: ApiGatewayManagementApiClient;
  /** Posts in flight at most, over all connections. Default 64. */
  readonly concurrency?: number;
  /** Frames waiting per connection before it is dropped as too slow. Default 1000. */
  readonly maxQueuedFrames?: number;
  /** Largest batched message. Default 96 KiB (API Gateway's limit is 128 KiB). */
  readonly maxBatchBytes?: number;
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
  failedFrames: number;
  inFlight: number;
  queuedFrames: number;
}

interface Queue {
  frames: string[];
  batchable: boolean[];
  head: number;
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
    failedFrames: 0,
    inFlight: 0,
    queuedFrames: 0,
  };
  private readonly client: ApiGatewayManagementApiClient;
  private readonly concurrency: number;
  private readonly maxQueuedFrames: number;
  private readonly maxBatchBytes: number;
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
    this.maxBatchBytes = options.maxBatchBytes ?? 96 * 1024;
    this.onGone = options.onGone;
    this.logger = options.logger;
  }

  /** Queues one frame for a connection. */
  enqueue(connectionId: string, frame: string, batchable: boolean): void {
    if (this.closed.has(connectionId)) return;
    let queue = this.queues.get(connectionId);
    if (queue === undefined) {
      queue = {
        frames: [],
        batchable: [],
        head: 0,
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
    this.client.send(new DeleteConnectionCommand({ ConnectionId: connectionId })).catch(() => {});
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.stats.inFlight === 0 && this.stats.queuedFrames === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops the backoff timer; posts in flight finish on their own. */
  close(): void {
    clearTimeout(this.resumeTimer);
  }

  private markReady(connectionId: string, queue: Queue): void {
    if (queue.ready || queue.inFlight) return;
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
      let bytes = first.length;
      while (end < queue.frames.length && queue.batchable[end]) {
        bytes += (queue.frames[end] as string).length + 1;
        if (bytes > this.maxBatchBytes) break;
        end++;
      }
    }
    const count = end - queue.head;
    const payload = count === 1 ? first : `[${queue.frames.slice(queue.head, end).join(',')}]`;
    queue.head = end;
    if (queue.head === queue.frames.length) {
      queue.frames = [];
      queue.batchable = [];
      queue.head = 0;
    } else if (queue.head > 256) {
      queue.frames = queue.frames.slice(queue.head);
      queue.batchable = queue.batchable.slice(queue.head);
      queue.head = 0;
    }
    return { payload, frames: count };
  }

  private post(id: string, queue: Queue, batch: { payload: string; frames: number }): void {
    queue.inFlight = true;
    queue.retry = undefined;
    this.stats.inFlight++;
    this.stats.posts++;
    // Through a promise even if `send` throws synchronously, so the bookkeeping below always runs.
    Promise.resolve()
      .then(() => this.client.send(new PostToConnectionCommand({ ConnectionId: id, Data: batch.payload })))
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
    this.client.send(new DeleteConnectionCommand({ ConnectionId: id })).catch(() => {});
  }

  private closeConnection(id: string, why: 'gone' | 'slow' | 'lost'): void {
    this.closed.add(id);
    this.discard(id);
    this.onGone(id, why);
  }

  private discard(id: string): void {
    const queue = this.queues.get(id);
    if (queue === undefined) return;
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
