/**
 * A scheduled Lambda as a process of its own (`npm start` runs the withdrawal
 * settlement this way), so it can fail, and be restarted, alone.
 *
 * Usage: `node --import tsx schedule-process.ts <handler module> <every ms>`; the
 * module's `handler` export is called with no event. A run whose result holds a
 * non-zero number (`{ settled: 2, unanswered: 0 }`) is logged; a run that throws is
 * logged and the schedule goes on. SIGTERM/SIGINT: the run in progress is finished,
 * then the process exits 0.
 */
import { startSchedule } from './schedule.js';

const [handlerModule, every] = process.argv.slice(2);
const everyMs = Number(every);
if (handlerModule === undefined || !Number.isInteger(everyMs) || everyMs <= 0) {
  console.error('usage: schedule-process.ts <handler module> <every ms>');
  process.exit(2);
}

const { handler } = (await import(handlerModule)) as { handler: () => Promise<unknown> };
const schedule = startSchedule({
  everyMs,
  run: () => handler(),
  onResult: (result) => {
    if (didSomething(result)) console.log(`run: ${JSON.stringify(result)}`);
  },
  onError: (error) => console.error(`run failed: ${error instanceof Error ? error.message : String(error)}`),
});
console.log(`running ${handlerModule} every ${everyMs / 1000} s`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void schedule.stop().then(() => process.exit(0));
  });
}

/** Whether a run's result reports any work: a non-zero number among its fields. */
function didSomething(result: unknown): boolean {
  return (
    typeof result === 'object' &&
    result !== null &&
    Object.values(result).some((value) => typeof value === 'number' && value !== 0)
  );
}
