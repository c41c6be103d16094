/**
 * Preloaded into every service process `npm start` runs (`node --import tsx --import
 * <this file> <entry>`, see `service-process.ts`): the service stops when the
 * orchestrator is gone.
 *
 * The services run in process groups of their own, so a terminal's Ctrl-C reaches only
 * the orchestrator, which stops them in order; the price is that they no longer die
 * with it. The orchestrator holds the write end of each service's stdin for its whole
 * life and the OS closes it when the orchestrator ends, however it ends (SIGKILL
 * included): end of stdin here means the parent is gone. The service is then sent
 * SIGTERM, the same orderly stop the orchestrator would have asked for (the engine
 * finishes its batch and releases its lease), and exits outright if that takes longer
 * than the orchestrator's own grace period.
 *
 * Entries need no change for this, which keeps them as they run on ECS. Only a stdin
 * that is a pipe or socket is watched: a terminal or `/dev/null` says nothing about
 * the parent.
 */
import { fstatSync } from 'node:fs';

const GRACE_MS = 30_000;

function parentGone(): void {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), GRACE_MS).unref();
}

const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.once('end', parentGone);
  process.stdin.on('data', () => {});
  // Waiting for the end must not keep a service alive that has nothing else to do.
  (process.stdin as { unref?: () => void }).unref?.();
}
