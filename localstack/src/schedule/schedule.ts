/**
 * A handler run on a fixed period, as an EventBridge schedule runs a Lambda: one run at
 * a time (the next is timed from the end of the last, so a slow run never overlaps the
 * next), errors reported and the schedule kept.
 */

export interface ScheduleOptions<T> {
  /** Pause between the end of a run and the start of the next. */
  readonly everyMs: number;
  readonly run: () => Promise<T>;
  readonly onResult?: (result: T) => void;
  readonly onError: (error: unknown) => void;
}

export interface RunningSchedule {
  /** No run starts after this; resolves once a run in progress has ended. */
  stop(): Promise<void>;
}

/**
 * @example
 * const schedule = startSchedule({ everyMs: 2_000, run: handler, onError: console.error });
 * // …
 * await schedule.stop();
 */
export function startSchedule<T>(options: ScheduleOptions<T>): RunningSchedule {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    running = options.run().then(
      (result) => options.onResult?.(result),
      (error: unknown) => options.onError(error),
    );
    void running.then(() => {
      if (!stopped) timer = setTimeout(tick, options.everyMs);
    });
  };
  timer = setTimeout(tick, options.everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
