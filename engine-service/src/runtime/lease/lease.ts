/**
 * The single-writer lease of the engine: one Redis key, held by at most one engine task,
 * with a fencing token that orders every acquisition ever made.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LeaseError, LeaseLostError, type LeaseLostReason } from './lease-error.js';
import { type AcquireOptions, type Fence, type LeaseOptions, leaseSettings } from './lease-options.js';
import {
  ACQUIRE_SCRIPT,
  GONE,
  OURS,
  RAISE_TOKEN_SCRIPT,
  RELEASE_SCRIPT,
  RENEW_SCRIPT,
} from './lease-scripts.js';

/** Where a {@link Lease} is in its life. */
export type LeaseState = 'idle' | 'acquiring' | 'held' | 'lost' | 'released';

/** Receives the reason when a held lease is lost. */
export type LeaseLostListener = (error: LeaseLostError) => void;

/** One successful acquisition. */
interface Acquisition {
  /** The key's value: `<holder>:<uuid>`, unique to this acquisition. */
  readonly value: string;
  readonly fencingToken: number;
  /** `performance.now()` when the last confirmed renewal (or the acquisition) was sent. */
  confirmedAt: number;
  renewing: boolean;
  lastRenewalError: unknown;
  timer: NodeJS.Timeout | undefined;
}

/**
 * A lease with a fencing token over Redis, so that exactly one engine task consumes
 * the order queue. A second engine started against the same key waits in
 * {@link Lease.acquire} and takes over only when the first releases the lease or stops
 * renewing it for a whole ttl.
 *
 * - `acquire` polls `SET key value NX PX ttl` at a fixed interval; the same Lua script
 *   `INCR`s `<key>:token`, so every acquisition gets its own, strictly larger token.
 *   With a {@link Fence}, that token is then raised in the durable store (above every
 *   token it has seen), so a Redis that lost its counter cannot hand out an old one.
 * - While held, the lease renews itself every `renewIntervalMs` with a compare-and-PEXPIRE.
 *   It is lost when a renewal finds another value or no key, or when no renewal has
 *   succeeded for a whole ttl; then every {@link Lease.onLost} callback runs once.
 * - The engine calls {@link Lease.confirmedToken} right before each journal write, so an
 *   engine whose lease was lost or not confirmed for a ttl stops before it writes. That
 *   check reads the lease's own state, not Redis: a round trip per write would sit on
 *   every order's path. {@link Lease.assertHeld} asks Redis.
 * - `release` deletes the key only if it still holds our value.
 *
 * **Why the fencing token too.** Either check is check-then-act: between the check and
 * the journal commit, a GC pause, a slow network or a Redis failover can outlast the
 * ttl, and another engine can acquire the lease and write. Only the database can close
 * that window, so the journal must enforce this rule (see {@link Lease.fencingToken}).
 *
 * @example
 * const lease = new Lease({ redis, key: 'engine:lease', ttlMs: 10_000 });
 * const shutdown = new AbortController();
 * process.once('SIGTERM', () => shutdown.abort());
 * await lease.acquire({ signal: shutdown.signal });
 * lease.onLost(() => shutdown.abort()); // stop consuming at once
 * while (!shutdown.signal.aborted) {
 *   const batch = await receive();
 *   const token = lease.confirmedToken(); // throws LeaseLostError when lost
 *   await journal.write(batch, token); // rejected by the database if a newer token wrote
 * }
 * await lease.release();
 */
export class Lease {
  /** The lease key. */
  readonly key: string;
  /** The counter that hands out fencing tokens: `<key>:token`. */
  readonly tokenKey: string;
  /** Who we are; each acquisition stores `<holder>:<uuid>` under the key. */
  readonly holder: string;
  readonly ttlMs: number;
  readonly renewIntervalMs: number;
  readonly pollIntervalMs: number;

  readonly #redis: Redis;
  readonly #fence: Fence | undefined;
  readonly #listeners = new Set<LeaseLostListener>();
  #state: LeaseState = 'idle';
  /** The current or, once lost, the last acquisition; cleared by `release`. */
  #acquisition: Acquisition | undefined;
  #lostError: LeaseLostError | undefined;

  constructor(options: LeaseOptions) {
    const settings = leaseSettings(options);
    this.key = settings.key;
    this.holder = settings.holder;
    this.ttlMs = settings.ttlMs;
    this.renewIntervalMs = settings.renewIntervalMs;
    this.pollIntervalMs = settings.pollIntervalMs;
    this.tokenKey = `${this.key}:token`;
    this.#redis = options.redis;
    this.#fence = options.fence;
  }

  /** Where this lease is in its life. */
  get state(): LeaseState {
    return this.#state;
  }

  /**
   * The fencing token of the current (or, once lost, the last) acquisition: larger
   * than the token of every earlier acquisition of this key, by any engine.
   *
   * **The journal's rule.** Every journal write carries this token, and the database
   * rejects it when a write with a larger token has already been committed. Check and
   * record the token in the same transaction as the journal rows, under a row lock, so
   * that a stale engine that passed its check still cannot land its write:
   *
   * ```sql
   * -- once: CREATE TABLE engine_fence (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
   * --                                  fencing_token bigint NOT NULL);
   * --       INSERT INTO engine_fence (fencing_token) VALUES (0);
   * BEGIN;
   * UPDATE engine_fence SET fencing_token = $1 WHERE fencing_token <= $1;
   * -- 0 rows updated → a newer engine has written: ROLLBACK and stop (fenced out)
   * INSERT INTO journal …;
   * COMMIT;
   * ```
   *
   * Equal tokens pass, since one acquisition writes many batches. Give the lease a
   * {@link Fence} over that same row: a Redis that lost its counter would otherwise
   * hand out tokens below the stored one, and the database would refuse every write.
   *
   * @throws {LeaseLostError} with reason `not-held` before the first acquisition or after `release`.
   */
  get fencingToken(): number {
    const acquisition = this.#acquisition;
    if (!acquisition) throw new LeaseLostError(this.key, 'not-held', undefined);
    return acquisition.fencingToken;
  }

  /**
   * Waits until the lease is ours, polling every `pollIntervalMs`, and starts renewing it.
   * Can be called again after the lease was lost or released; each call gets a new token.
   *
   * @returns the fencing token of this acquisition.
   * @throws `signal.reason` when the signal aborts the wait (the lease is not held then);
   *   a Redis error when Redis cannot answer; a {@link LeaseError} when already acquiring or held.
   */
  async acquire({ signal }: AcquireOptions = {}): Promise<number> {
    if (this.#state === 'acquiring' || this.#state === 'held') {
      throw new LeaseError(this.key, `Lease ${this.key} is already ${this.#state}`);
    }
    signal?.throwIfAborted();
    const previous = this.#state;
    this.#state = 'acquiring';
    const value = `${this.holder}:${randomUUID()}`;
    try {
      for (;;) {
        const sentAt = performance.now();
        const token = await this.#redis.eval(ACQUIRE_SCRIPT, 2, this.key, this.tokenKey, value, this.ttlMs);
        if (token !== null) {
          if (signal?.aborted) {
            await this.#redis.eval(RELEASE_SCRIPT, 1, this.key, value);
            signal.throwIfAborted();
          }
          const fencingToken = await this.#fenced(Number(token), value);
          this.#hold(value, fencingToken, sentAt);
          return fencingToken;
        }
        await sleep(this.pollIntervalMs, signal);
      }
    } catch (error) {
      this.#state = previous;
      throw error;
    }
  }

  /**
   * Checks atomically in Redis that the lease is still ours. Call it right before each
   * journal write, and write with the token it returns (see {@link Lease.fencingToken}).
   * When the check finds the lease gone, the lease is marked lost and the
   * {@link Lease.onLost} callbacks run before this rejects.
   *
   * @returns the fencing token to write with.
   * @throws {LeaseLostError} when the lease is not ours; a Redis error when Redis cannot
   *   answer. Either way: do not write.
   */
  async assertHeld(): Promise<number> {
    const acquisition = this.#held();
    // A plain read: one GET is atomic, no script needed.
    const current = await this.#redis.get(this.key);
    if (this.#acquisition !== acquisition || this.#state !== 'held') {
      throw this.#lostError ?? new LeaseLostError(this.key, 'not-held', acquisition.fencingToken);
    }
    if (current === acquisition.value) return acquisition.fencingToken;
    throw this.#lose(acquisition, current === null ? 'expired' : 'taken');
  }

  /**
   * Checks, without asking Redis, that the lease is held and was confirmed within the
   * last ttl: the key then still holds our value, since each confirmation (the
   * acquisition or a renewal) set it to expire a ttl after the request was sent.
   * Enough before a journal write: a lease taken from us anyway (the key deleted or
   * overwritten behind our back) is caught by the journal's fence, which the new
   * holder raised before it read the journal (see {@link Lease.fencingToken}).
   *
   * @returns the fencing token to write with.
   * @throws {LeaseLostError} when the lease is not held, or its last confirmation is a
   *   ttl old (the lease is then marked lost and the {@link Lease.onLost} callbacks run).
   */
  confirmedToken(): number {
    const acquisition = this.#held();
    if (performance.now() - acquisition.confirmedAt >= this.ttlMs) {
      throw this.#lose(acquisition, 'unconfirmed', acquisition.lastRenewalError);
    }
    return acquisition.fencingToken;
  }

  /**
   * Calls `listener` once each time a held lease is lost: a renewal found another value
   * or no key, renewals failed for a whole ttl, or `assertHeld` found the lease gone.
   * Registered while the lease is already lost, it is called at once (asynchronously).
   * Listeners run synchronously when the loss is found; one that throws does not stop
   * the others, and its error is rethrown as an uncaught exception (a bug).
   *
   * @returns a function that unregisters the listener.
   */
  onLost(listener: LeaseLostListener): () => void {
    this.#listeners.add(listener);
    const lost = this.#lostError;
    if (this.#state === 'lost' && lost) queueMicrotask(() => listener(lost));
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Stops renewing and deletes the key if it still holds our value, so that a waiting
   * engine takes over at its next poll instead of after the ttl. Safe to call in any
   * state but `acquiring` (abort that with its signal); never deletes another holder's lease.
   *
   * @returns `true` when our key was deleted, `false` when it was already gone or taken.
   */
  async release(): Promise<boolean> {
    if (this.#state === 'acquiring') {
      throw new LeaseError(this.key, `Lease ${this.key} is being acquired: abort acquire() instead`);
    }
    const acquisition = this.#acquisition;
    this.#stopRenewing(acquisition);
    this.#acquisition = undefined;
    this.#lostError = undefined;
    this.#state = this.#state === 'idle' ? 'idle' : 'released';
    if (!acquisition) return false;
    return (await this.#redis.eval(RELEASE_SCRIPT, 1, this.key, acquisition.value)) === 1;
  }

  /**
   * The durable token for Redis's `token`, with Redis's counter raised to match. When
   * the fence cannot be raised the key is released: a lease without a durable token
   * must not be held.
   */
  async #fenced(token: number, value: string): Promise<number> {
    if (this.#fence === undefined) return token;
    let fencingToken: number;
    try {
      fencingToken = await this.#fence.raise(token);
    } catch (error) {
      await this.#redis.eval(RELEASE_SCRIPT, 1, this.key, value).catch(() => 0);
      throw error;
    }
    if (fencingToken > token) await this.#redis.eval(RAISE_TOKEN_SCRIPT, 1, this.tokenKey, fencingToken);
    return fencingToken;
  }

  /** The current acquisition. @throws {LeaseLostError} why the lease is not held */
  #held(): Acquisition {
    const acquisition = this.#acquisition;
    if (this.#state !== 'held' || !acquisition) {
      throw this.#lostError ?? new LeaseLostError(this.key, 'not-held', acquisition?.fencingToken);
    }
    return acquisition;
  }

  #hold(value: string, fencingToken: number, sentAt: number): void {
    const acquisition: Acquisition = {
      value,
      fencingToken,
      confirmedAt: sentAt,
      renewing: false,
      lastRenewalError: undefined,
      timer: undefined,
    };
    this.#acquisition = acquisition;
    this.#lostError = undefined;
    this.#state = 'held';
    this.#scheduleRenewal(acquisition);
  }

  /** The next tick comes at the renewal interval, or sooner when the ttl would run out first. */
  #scheduleRenewal(acquisition: Acquisition): void {
    const untilUnconfirmed = acquisition.confirmedAt + this.ttlMs - performance.now();
    const delay = Math.max(0, Math.min(this.renewIntervalMs, untilUnconfirmed));
    acquisition.timer = setTimeout(() => this.#renew(acquisition), delay);
    // The lease alone should not keep a process alive that has nothing else to do.
    acquisition.timer.unref();
  }

  #renew(acquisition: Acquisition): void {
    if (this.#acquisition !== acquisition || this.#state !== 'held') return;
    const now = performance.now();
    if (now - acquisition.confirmedAt >= this.ttlMs) {
      this.#lose(acquisition, 'unconfirmed', acquisition.lastRenewalError);
      return;
    }
    this.#scheduleRenewal(acquisition);
    // A renewal still in flight (Redis slow or reconnecting) is not stacked on.
    if (acquisition.renewing) return;
    acquisition.renewing = true;
    this.#redis.eval(RENEW_SCRIPT, 1, this.key, acquisition.value, this.ttlMs).then(
      (reply) => {
        acquisition.renewing = false;
        if (this.#acquisition !== acquisition || this.#state !== 'held') return;
        if (reply === OURS) {
          acquisition.confirmedAt = now;
          acquisition.lastRenewalError = undefined;
          return;
        }
        this.#lose(acquisition, reply === GONE ? 'expired' : 'taken');
      },
      (error: unknown) => {
        acquisition.renewing = false;
        acquisition.lastRenewalError = error;
      },
    );
  }

  #lose(acquisition: Acquisition, reason: LeaseLostReason, cause?: unknown): LeaseLostError {
    if (this.#state === 'lost' && this.#lostError) return this.#lostError;
    this.#stopRenewing(acquisition);
    const error = new LeaseLostError(
      this.key,
      reason,
      acquisition.fencingToken,
      cause === undefined ? undefined : { cause },
    );
    this.#state = 'lost';
    this.#lostError = error;
    for (const listener of this.#listeners) {
      try {
        listener(error);
      } catch (listenerError) {
        // A throwing listener is a bug: surface it, but let the others and the caller go on.
        queueMicrotask(() => {
          throw listenerError;
        });
      }
    }
    return error;
  }

  #stopRenewing(acquisition: Acquisition | undefined): void {
    if (acquisition?.timer) clearTimeout(acquisition.timer);
  }
}

/**
 * Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts —
 * at once when it aborted already (while the caller awaited Redis): its `abort` event
 * has fired then, and waiting for it would poll forever.
 */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
