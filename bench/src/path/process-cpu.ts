/**
 * CPU per process of a running stack, from `/proc` (Linux): which pids belong to which
 * part (by process tree and command line), and their user + system ticks now. Two
 * samples around a measured run give each part's CPU time (`cpuMicrosBetween`).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { descendantsOf, type ProcStat, parseProcStat } from './proc-stat.js';

/** Clock ticks per second of `/proc`'s CPU times. */
export const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Every process's stat line that could be read (processes come and go while we read). */
export function readAllStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.push(parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return stats;
}

/** CPU ticks by pid, of the pids in `pids`. */
export function ticksOf(pids: Iterable<number>): Map<number, number> {
  const wanted = new Set(pids);
  return new Map(readAllStats().flatMap((s) => (wanted.has(s.pid) ? [[s.pid, s.cpuTicks] as const] : [])));
}

/**
 * The part of the exchange a node process below the orchestrator is, from its command
 * line: `engine`, `fanout`, `fauxqs`, or the entry file's name for anything else.
 */
export function partOf(pid: number): string {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return 'gone';
  }
  const line = args.join(' ');
  if (line.includes('fauxqs')) return 'fauxqs';
  if (line.includes('fanout-main')) return 'fanout';
  const entry = args.findLast((a) => /\.(ts|js|mjs)$/.test(a)) ?? basename(args[0] ?? 'unknown');
  if (basename(entry) === 'main.ts' && cwdOf(pid).endsWith('engine-service')) return 'engine';
  return basename(entry).replace(/\.(ts|js|mjs)$/, '');
}

function cwdOf(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '';
  }
}

/**
 * Labels for every process of a stack: `orchestrator` for `root` itself (the API
 * emulator and what runs in its process), {@link partOf} for each process below it,
 * and every process of each named server tree (`extra`: label → its root pid).
 */
export function labelStack(root: number, extra: Readonly<Record<string, number>>): Map<number, string> {
  const all = readAllStats();
  const labels = new Map<number, string>();
  for (const pid of descendantsOf(root, all)) labels.set(pid, pid === root ? 'orchestrator' : partOf(pid));
  for (const [label, serverRoot] of Object.entries(extra)) {
    for (const pid of descendantsOf(serverRoot, all)) labels.set(pid, label);
  }
  return labels;
}
