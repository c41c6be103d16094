/**
 * `npm run bench:engine [-- --json] [--ops N] [--runs R]`
 *
 * The parent process: starts one child process per repetition and workload (and for
 * the heap test), aggregates their results, prints the tables and, with `--json`, the
 * metrics object as the last line of stdout. Progress goes to stderr. Full-size runs
 * are recorded in `bench/results/`.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machine } from '../machine.js';
import { integerOption } from '../options.js';
import type { HeapResult } from './heap.js';
import { type MixedRunResult, WARMUP_OPS } from './mixed-run.js';
import { aggregate, metrics, tables } from './report.js';
import { writeResults } from './results.js';
import { WORKLOADS } from './workload.js';

const FULL_OPS = 1_000_000;
const RESULTS_DIR = new URL('../../results/', import.meta.url);
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
// Absolute, so the children find tsx whatever their working directory.
const TSX = import.meta.resolve('tsx');

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    ops: { type: 'string', default: String(FULL_OPS) },
    runs: { type: 'string', default: '3' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(
    'usage: npm run bench:engine -- [--json] [--ops N (ops per workload and resting orders; 1000000)] [--runs R (3)]',
  );
  process.exit(0);
}
const ops = integerOption(values, 'ops', 1000);
const runs = integerOption(values, 'runs', 1);

/**
 * V8 flags of every child, the same for both engines. V8's allocation-site
 * pretenuring now and then decides that objects which die young should be
 * allocated in the old generation; in about one process in eight that made either
 * engine several times slower, all GC. The engine service runs with the same flag.
 */
const V8_FLAGS = ['--expose-gc', '--no-allocation-site-pretenuring'];

/** Runs one child and returns the JSON of its last stdout line. */
function child<T>(args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...V8_FLAGS, '--import', TSX, CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code !== 0 || last === undefined || last === '') {
        reject(new Error(`child ${args.join(' ')} exited with ${code}`));
      } else {
        resolve(JSON.parse(last) as T);
      }
    });
  });
}

const loadAtStart = os.loadavg()[0] ?? 0;
const date = new Date().toISOString();
const mixed: MixedRunResult[] = [];
const heaps: HeapResult[] = [];
// Repetitions interleave the workloads, so a burst of load elsewhere hits both alike.
for (let run = 0; run < runs; run++) {
  for (const spec of WORKLOADS) {
    process.stderr.write(`run ${run + 1}/${runs}: ${spec.name} (${ops} ops)…\n`);
    mixed.push(await child<MixedRunResult>(['mixed', spec.name, String(ops), String(run)]));
  }
  for (const target of ['ours', 'peer'] as const) {
    process.stderr.write(`run ${run + 1}/${runs}: heap of ${ops} resting orders, ${target}…\n`);
    heaps.push(await child<HeapResult>(['heap', target, String(ops)]));
  }
}

const agg = aggregate(ops, mixed, heaps);
const m = metrics(agg);
console.log(tables(agg, m));
const host = machine(loadAtStart);
if (ops === FULL_OPS) {
  const file = writeResults(RESULTS_DIR, {
    bench: 'engine',
    date,
    machine: host,
    options: { ops, runs, warmupOps: WARMUP_OPS, v8Flags: V8_FLAGS },
    metrics: m,
    summary: { heap: agg.heap, workloads: agg.workloads.map(({ runs: _, ...rest }) => rest) },
    processes: { mixed, heap: heaps },
  });
  console.log(`\nRecorded in ${file}`);
} else {
  console.log(`\nQuick check (${ops} ops): not recorded; metric keys keep their full-size names.`);
}
if (agg.workloads.some((w) => w.depthAgree === false))
  console.log('WARNING: the two books ended with different depth.');
if (values.json) {
  console.log(JSON.stringify({ bench: 'engine', node: host.node, cores: host.cores, metrics: m }));
}
