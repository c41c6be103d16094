/**
 * When to start a dead process again: exponential backoff, capped, forgiven after a
 * healthy run — what ECS does for a service's task, as a pure function so that the
 * sequence can be checked without processes or clocks.
 */

export interface RestartPolicy {
  /** The wait before the first restart of a streak. */
  readonly initialDelayMs: number;
  /** No wait is longer than this, however long the crash loop. */
  readonly maxDelayMs: number;
  /** A process that was up this long before it exited starts a fresh streak. */
  readonly healthyAfterMs: number;
}

/** 0.5 s, doubling, capped at 10 s; forgiven after 30 s up. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  healthyAfterMs: 30_000,
};

/** The next restart: its place in the crash streak and how long to wait before it. */
export interface RestartDecision {
  /** Failed runs in a row, this one included (1 after a healthy run). */
  readonly streak: number;
  readonly delayMs: number;
}

/**
 * @param streak failed runs in a row before this exit (0 for a process never restarted)
 * @param upForMs how long the process was up before it exited; `undefined` when it never
 *   got up (it died or timed out while starting)
 * @example
 * nextRestart(DEFAULT_RESTART_POLICY, 0, 1_000); // { streak: 1, delayMs: 500 }
 * nextRestart(DEFAULT_RESTART_POLICY, 3, undefined); // { streak: 4, delayMs: 4_000 }
 * nextRestart(DEFAULT_RESTART_POLICY, 9, 60_000); // { streak: 1, delayMs: 500 }
 */
export function nextRestart(
  policy: RestartPolicy,
  streak: number,
  upForMs: number | undefined,
): RestartDecision {
  const healthy = upForMs !== undefined && upForMs >= policy.healthyAfterMs;
  const next = healthy ? 1 : streak + 1;
  return { streak: next, delayMs: Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (next - 1)) };
}
