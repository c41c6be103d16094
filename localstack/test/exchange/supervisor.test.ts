/**
 * Unit tests of the restart policy and the supervisor's state machine: no processes,
 * no network, no real time (a hand-driven clock and fake processes).
 */

import { DEFAULT_RESTART_POLICY, nextRestart } from '../../src/exchange/restart-policy.js';
import type { ExitCause } from '../../src/exchange/service-process.js';
import { type SupervisedProcess, Supervisor, type SupervisorClock } from '../../src/exchange/supervisor.js';

describe('nextRestart', () => {
  it('doubles the wait from 0.5 s on each failure in a row and caps it at 10 s', () => {
    // Act: a process that dies within a second, again and again
    const delays: number[] = [];
    let streak = 0;
    for (let i = 0; i < 8; i++) {
      const decision = nextRestart(DEFAULT_RESTART_POLICY, streak, 1_000);
      streak = decision.streak;
      delays.push(decision.delayMs);
    }

    // Assess
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
  });

  it('starts a fresh streak after a run that was up for the healthy time', () => {
    expect(nextRestart(DEFAULT_RESTART_POLICY, 6, 30_000)).toEqual({ streak: 1, delayMs: 500 });
    expect(nextRestart(DEFAULT_RESTART_POLICY, 6, 29_999)).toEqual({ streak: 7, delayMs: 10_000 });
  });

  it('counts a process that never got up as a failure', () => {
    expect(nextRestart(DEFAULT_RESTART_POLICY, 2, undefined)).toEqual({ streak: 3, delayMs: 2_000 });
  });

  it('stays at the cap however long the crash loop', () => {
    expect(nextRestart(DEFAULT_RESTART_POLICY, 5_000, undefined).delayMs).toBe(10_000);
  });
});

/** A process whose end the test decides. */
class FakeProcess implements SupervisedProcess {
  readonly exited: Promise<ExitCause>;
  readonly #lastWords: string[] = [];
  #end!: (cause: ExitCause) => void;
  constructor(readonly pid: number) {
    this.exited = new Promise((resolve) => {
      this.#end = resolve;
    });
  }
  die(cause: ExitCause, lastWords?: string): void {
    if (lastWords !== undefined) this.#lastWords.push(lastWords);
    this.#end(cause);
  }
  lastWords(): readonly string[] {
    return this.#lastWords;
  }
  async stop(): Promise<void> {
    this.#end(0);
  }
  kill(): void {
    this.#end('SIGKILL');
  }
}

/** A clock the test moves; every backoff wait is recorded and ends when the test says so. */
class HandClock implements SupervisorClock {
  time = 1_000_000;
  readonly waits: number[] = [];
  #release: (() => void) | undefined;
  now(): number {
    return this.time;
  }
  wait(ms: number, signal: AbortSignal): Promise<void> {
    this.waits.push(ms);
    return new Promise((resolve, reject) => {
      this.#release = () => {
        this.time += ms;
        resolve();
      };
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
  /** Ends the backoff under way. */
  release(): void {
    this.#release?.();
    this.#release = undefined;
  }
}

/** Lets the supervisor's pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

function supervised(starts: (() => Promise<FakeProcess>)[]) {
  const clock = new HandClock();
  const lines: string[] = [];
  const processes: FakeProcess[] = [];
  let next = 0;
  const supervisor = new Supervisor<FakeProcess>({
    name: 'engine',
    log: (line) => lines.push(line),
    clock,
    start: async () => {
      const start = starts[Math.min(next++, starts.length - 1)];
      if (start === undefined) throw new Error('no start');
      const process = await start();
      processes.push(process);
      return process;
    },
  });
  return { supervisor, clock, lines, processes, startCount: () => next };
}

const healthy = (pid: number) => () => Promise.resolve(new FakeProcess(pid));
const failing = (message: string) => () => Promise.reject(new Error(message));

describe('Supervisor', () => {
  it('restarts a process that dies, after the backoff, and logs the cause', async () => {
    // Prepare
    const { supervisor, clock, lines, processes } = supervised([healthy(11), healthy(12)]);
    await supervisor.start();
    expect(supervisor.status()).toMatchObject({ state: 'up', pid: 11, restarts: 0 });

    // Act: killed
    processes[0]?.die('SIGKILL');
    await settle();

    // Assess: restarting, waiting 0.5 s, then up again as a new process
    expect(supervisor.status()).toMatchObject({
      state: 'restarting',
      restarts: 1,
      lastExit: 'exited (SIGKILL)',
    });
    expect(supervisor.status().pid).toBeUndefined();
    expect(clock.waits).toEqual([500]);
    clock.release();
    await settle();
    expect(supervisor.status()).toMatchObject({ state: 'up', pid: 12, restarts: 1 });
    expect(lines).toContain('engine exited (SIGKILL) — restarting in 0.5 s (restart 1)');
    expect(lines).toContain('engine up (pid 12) after restart 1');
  });

  it('quotes the last stderr lines of a process that crashed', async () => {
    // Prepare
    const { supervisor, lines, processes } = supervised([healthy(11), healthy(12)]);
    await supervisor.start();

    // Act
    processes[0]?.die(1, 'journal write failed: connection refused');
    await settle();

    // Assess
    expect(supervisor.status().lastExit).toBe('exited (1): journal write failed: connection refused');
    expect(lines).toContain('engine ! journal write failed: connection refused');
  });

  it('shows a crash loop as down and backs off longer on each failed start, up to the cap', async () => {
    // Prepare: up once, then every start fails
    const { supervisor, clock, lines, processes } = supervised([
      healthy(11),
      ...Array.from({ length: 7 }, () => failing('engine exited (1) before it was ready')),
      healthy(19),
    ]);
    await supervisor.start();
    processes[0]?.die(1);
    await settle();

    // Act: let every backoff run out
    for (let i = 0; i < 7; i++) {
      clock.release();
      await settle();
      expect(supervisor.status().state).toBe('down');
    }
    clock.release();
    await settle();

    // Assess
    expect(clock.waits).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
    expect(supervisor.status()).toMatchObject({ state: 'up', pid: 19, restarts: 8 });
    expect(lines).toContain('engine failed to start — restarting in 10 s (restart 8)');
  });

  it('forgives earlier failures once a process has been up for the healthy time', async () => {
    // Prepare: two quick deaths, then a long healthy run
    const { supervisor, clock, processes } = supervised([healthy(11), healthy(12), healthy(13), healthy(14)]);
    await supervisor.start();
    processes[0]?.die(1);
    await settle();
    clock.release();
    await settle();
    processes[1]?.die(1);
    await settle();
    clock.release();
    await settle();

    // Act: up for 30 s, then it dies
    clock.time += 30_000;
    processes[2]?.die('SIGKILL');
    await settle();

    // Assess
    expect(clock.waits).toEqual([500, 1_000, 500]);
  });

  it('calls off a pending restart when stopped during the backoff', async () => {
    // Prepare: dead, waiting out its backoff
    const { supervisor, processes, startCount } = supervised([healthy(11), healthy(12)]);
    await supervisor.start();
    processes[0]?.die('SIGKILL');
    await settle();
    expect(supervisor.status().state).toBe('restarting');

    // Act
    await supervisor.stop();
    await settle();

    // Assess: stopped, and never started again
    expect(supervisor.status()).toMatchObject({ state: 'stopped', restarts: 1 });
    expect(startCount()).toBe(1);
  });

  it('does not restart a process it was asked to stop', async () => {
    // Prepare
    const { supervisor, clock, startCount } = supervised([healthy(11), healthy(12)]);
    await supervisor.start();

    // Act
    await supervisor.stop();
    await settle();

    // Assess
    expect(supervisor.status()).toMatchObject({ state: 'stopped', restarts: 0 });
    expect(clock.waits).toEqual([]);
    expect(startCount()).toBe(1);
  });

  it('restarts on request at once, counted as a restart', async () => {
    // Prepare
    const { supervisor, clock, processes } = supervised([healthy(11), healthy(12)]);
    await supervisor.start();

    // Act
    await supervisor.restart();

    // Assess: the old process was stopped (not a failure), the new one is up, no backoff
    await expect(processes[0]?.exited).resolves.toBe(0);
    expect(supervisor.status()).toMatchObject({ state: 'up', pid: 12, restarts: 1 });
    expect(clock.waits).toEqual([]);
  });

  it('throws when the first start fails, rather than looping on a service that never ran', async () => {
    // Prepare
    const { supervisor, clock } = supervised([failing('engine was not ready within 60000 ms')]);

    // Act / Assess
    await expect(supervisor.start()).rejects.toThrow('not ready');
    expect(supervisor.status()).toMatchObject({
      state: 'stopped',
      lastExit: 'engine was not ready within 60000 ms',
    });
    expect(clock.waits).toEqual([]);
  });
});
