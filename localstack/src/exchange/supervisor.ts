/**
 * Keeps one long-running process of the exchange running, as ECS keeps a service's
 * task: a process that exits without being asked to is started again after the
 * backoff of its {@link RestartPolicy}, and every change of state is one log line
 * with its cause (`engine exited (SIGKILL) — restarting in 0.5 s (restart 1)`).
 *
 * States:
 * - `starting` — the first start, until the process is ready;
 * - `up` — ready (its probe answered, or it has no probe);
 * - `restarting` — it exited unexpectedly; waiting out the backoff, then starting it
 *   again, until it is up;
 * - `down` — a restart failed (the process died or timed out before it was ready):
 *   a crash loop, retried with a longer backoff each time;
 * - `stopped` — stopped on purpose.
 *
 * Processes and time come in through {@link SupervisorOptions}, so the state machine
 * runs in unit tests without either.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RESTART_POLICY, nextRestart, type RestartPolicy } from './restart-policy.js';
import { describeExit, type ExitCause } from './service-process.js';

export type ComponentState = 'starting' | 'up' | 'restarting' | 'down' | 'stopped';

/** One component of the running exchange, as the status endpoint shows it. */
export interface ComponentStatus {
  readonly name: string;
  readonly state: ComponentState;
  /** The current process, while there is one. */
  readonly pid?: number;
  /** Starts after the first one, whatever their cause. */
  readonly restarts: number;
  /** Why the last process ended, when one ended unexpectedly. */
  readonly lastExit?: string;
  /** When the component entered its state (ms since the epoch). */
  readonly since: number;
}

/** What the supervisor needs of a process. */
export interface SupervisedProcess {
  readonly pid: number | undefined;
  /** Settles when the process ends. */
  readonly exited: Promise<ExitCause>;
  /** What it wrote to stderr just before it died, quoted in the log. */
  lastWords(): readonly string[];
  /** Asks it to stop; resolves once it has exited. */
  stop(): Promise<void>;
  /** Ends it at once. */
  kill(): void;
}

/** Time, for the supervisor: real by default, driven by hand in unit tests. */
export interface SupervisorClock {
  now(): number;
  /** Resolves after `ms`, or rejects when `signal` aborts first. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

export interface SupervisorOptions<P extends SupervisedProcess> {
  readonly name: string;
  /** Starts a process and resolves once it is ready; rejects if it is not, or `signal` aborts. */
  readonly start: (signal: AbortSignal) => Promise<P>;
  readonly log: (line: string) => void;
  /** Default {@link DEFAULT_RESTART_POLICY}. */
  readonly policy?: RestartPolicy;
  readonly clock?: SupervisorClock;
}

const REAL_CLOCK: SupervisorClock = {
  now: () => Date.now(),
  wait: (ms, signal) => sleep(ms, undefined, { signal }),
};

/** Stderr lines quoted in the log when a process dies. */
const LAST_WORDS = 5;

/**
 * @example
 * const engine = new Supervisor({ name: 'engine', start: (signal) => startEngine(signal), log });
 * await engine.start(); // throws if the first start fails
 * engine.status(); // { name: 'engine', state: 'up', pid: 4242, restarts: 0, since: … }
 * await engine.stop();
 */
export class Supervisor<P extends SupervisedProcess> {
  readonly name: string;
  readonly #options: SupervisorOptions<P>;
  readonly #policy: RestartPolicy;
  readonly #clock: SupervisorClock;
  readonly #stopping = new AbortController();
  #state: ComponentState = 'stopped';
  #since: number;
  #restarts = 0;
  #streak = 0;
  #lastExit: string | undefined;
  #current: P | undefined;
  #upAt = 0;
  /** The watch over the current process and any restarts after it. */
  #watching: Promise<void> = Promise.resolve();

  constructor(options: SupervisorOptions<P>) {
    this.name = options.name;
    this.#options = options;
    this.#policy = options.policy ?? DEFAULT_RESTART_POLICY;
    this.#clock = options.clock ?? REAL_CLOCK;
    this.#since = this.#clock.now();
  }

  /** The first start; a failure here is thrown (a service that never starts is a bug, not an outage). */
  async start(): Promise<void> {
    this.#enter('starting');
    try {
      this.#up(await this.#options.start(this.#stopping.signal));
    } catch (error) {
      this.#lastExit = messageOf(error);
      this.#enter('stopped');
      throw error;
    }
  }

  /** Stops the process and starts it again at once (no backoff; counted as a restart). */
  async restart(): Promise<void> {
    const child = this.#current;
    if (child === undefined || this.#stopping.signal.aborted)
      throw new Error(`${this.name} is ${this.#state}: nothing to restart`);
    this.#current = undefined;
    this.#restarts += 1;
    this.#enter('restarting', `${this.name} restarting on request (restart ${this.#restarts})`);
    await child.stop();
    await this.#watching;
    try {
      this.#up(await this.#options.start(this.#stopping.signal));
    } catch (error) {
      if (this.#stopping.signal.aborted) throw error;
      this.#watching = this.#recover(undefined, oneLine(messageOf(error)));
      throw error;
    }
  }

  /** Stops supervising: a pending restart is called off and the process stopped. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    const child = this.#current;
    this.#current = undefined;
    await child?.stop();
    await this.#watching;
    if (this.#state !== 'stopped') this.#enter('stopped');
  }

  /** Ends the process at once and supervises no more (a forced shutdown). */
  kill(): void {
    this.#stopping.abort();
    this.#current?.kill();
  }

  /** The current process, while there is one. */
  current(): P | undefined {
    return this.#current;
  }

  status(): ComponentStatus {
    const pid = this.#current?.pid;
    return {
      name: this.name,
      state: this.#state,
      ...(pid === undefined ? {} : { pid }),
      restarts: this.#restarts,
      ...(this.#lastExit === undefined ? {} : { lastExit: this.#lastExit }),
      since: this.#since,
    };
  }

  #enter(state: ComponentState, line?: string): void {
    this.#state = state;
    this.#since = this.#clock.now();
    this.#options.log(line ?? `${this.name} ${state}`);
  }

  #up(child: P): void {
    if (this.#stopping.signal.aborted) {
      void child.stop();
      return;
    }
    this.#current = child;
    this.#upAt = this.#clock.now();
    const pid = child.pid === undefined ? '' : ` (pid ${child.pid})`;
    this.#enter('up', `${this.name} up${pid}${this.#restarts > 0 ? ` after restart ${this.#restarts}` : ''}`);
    this.#watching = this.#watch(child);
  }

  async #watch(child: P): Promise<void> {
    const cause = await child.exited;
    // Asked to stop (stop, restart) or replaced: not a failure.
    if (this.#current !== child || this.#stopping.signal.aborted) return;
    this.#current = undefined;
    const lastWords = child.lastWords().slice(-LAST_WORDS);
    if (lastWords.length > 0) for (const line of lastWords) this.#options.log(`${this.name} ! ${line}`);
    const why = `${describeExit(cause)}${lastWords.length > 0 ? `: ${lastWords.at(-1)}` : ''}`;
    await this.#recover(this.#clock.now() - this.#upAt, why);
  }

  /** Restarts after backoff until a start succeeds or the supervisor is stopped. */
  async #recover(upForMs: number | undefined, why: string): Promise<void> {
    let upFor = upForMs;
    let reason = why;
    for (;;) {
      const { streak, delayMs } = nextRestart(this.#policy, this.#streak, upFor);
      this.#streak = streak;
      this.#restarts += 1;
      this.#lastExit = reason;
      const headline =
        upFor === undefined ? `${this.name} failed to start` : `${this.name} ${describeCause(reason)}`;
      this.#enter(
        upFor === undefined ? 'down' : 'restarting',
        `${headline} — restarting in ${delayMs / 1000} s (restart ${this.#restarts})`,
      );
      try {
        await this.#clock.wait(delayMs, this.#stopping.signal);
        this.#up(await this.#options.start(this.#stopping.signal));
        return;
      } catch (error) {
        if (this.#stopping.signal.aborted) return;
        upFor = undefined;
        reason = oneLine(messageOf(error));
        this.#options.log(`${this.name} ! ${reason}`);
      }
    }
  }
}

/** The exit part of a reason: `exited (SIGKILL)` from `exited (SIGKILL): last words`. */
function describeCause(reason: string): string {
  return reason.split(':')[0] ?? reason;
}

/** A multi-line error (a start failure quotes the process's last lines) on one line. */
function oneLine(text: string): string {
  return text
    .split('\n')
    .slice(0, LAST_WORDS + 1)
    .join(' | ');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
