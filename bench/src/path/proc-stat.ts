/**
 * `/proc/<pid>/stat` read as numbers: what a process is, its parent, and the CPU it
 * has used. Pure, so the parsing is tested without a running process; the reading is
 * in `process-cpu.ts`.
 */

/** One process's line of `/proc/<pid>/stat`. */
export interface ProcStat {
  readonly pid: number;
  /** The executable's name as the kernel keeps it (at most 15 characters). */
  readonly comm: string;
  readonly ppid: number;
  /** User plus system CPU time, in clock ticks (`getconf CLK_TCK` per second). */
  readonly cpuTicks: number;
}

/**
 * Parses one `/proc/<pid>/stat` line. The name may hold spaces and parentheses, so
 * the fields after it are counted from the last `)`: state is field 3, ppid 4,
 * utime 14 and stime 15 (proc(5)).
 * @throws Error when the line has not the kernel's shape
 * @example
 * parseProcStat('42 (node) S 1 42 42 0 -1 0 0 0 0 0 150 30 0 0 20 0 11 0 0 0 0');
 * // { pid: 42, comm: 'node', ppid: 1, cpuTicks: 180 }
 */
export function parseProcStat(line: string): ProcStat {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${line.slice(0, 80)}`);
  const after = line
    .slice(close + 2)
    .trim()
    .split(' ');
  // `after[0]` is field 3 (state): field n is after[n - 3].
  const field = (n: number): number => {
    const value = Number(after[n - 3]);
    if (!Number.isSafeInteger(value)) throw new Error(`field ${n} of /proc stat is not an integer`);
    return value;
  };
  return {
    pid: Number(line.slice(0, open).trim()),
    comm: line.slice(open + 1, close),
    ppid: field(4),
    cpuTicks: field(14) + field(15),
  };
}

/**
 * `root` and every process below it, given every process's parent: the tree a
 * PostgreSQL postmaster or a node orchestrator spans.
 * @example
 * descendantsOf(1, [{ pid: 2, ppid: 1 }, { pid: 3, ppid: 2 }, { pid: 4, ppid: 9 }]); // [1, 2, 3]
 */
export function descendantsOf(root: number, processes: readonly Pick<ProcStat, 'pid' | 'ppid'>[]): number[] {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of processes) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

/**
 * CPU microseconds each label used between two samples of ticks per pid. A process
 * that exists only in `after` counts from zero (it started in between); one gone by
 * `after` is not counted (its last ticks are unknown).
 */
export function cpuMicrosBetween(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
  labelOf: ReadonlyMap<number, string>,
  ticksPerSecond: number,
): Record<string, number> {
  const micros: Record<string, number> = {};
  for (const [pid, label] of labelOf) {
    const end = after.get(pid);
    if (end === undefined) continue;
    const used = ((end - (before.get(pid) ?? 0)) * 1_000_000) / ticksPerSecond;
    micros[label] = (micros[label] ?? 0) + used;
  }
  return micros;
}
