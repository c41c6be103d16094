/**
 * One benchmark process. `main.ts` starts it (with `--expose-gc`) for one repetition and
 * reads the single JSON line it prints:
 *   child.ts mixed <workload> <ops> <run>
 *   child.ts heap <ours|peer> <orders>
 */
import { type HeapTarget, measureRestingHeap } from './heap.js';
import { runMixed } from './mixed-run.js';
import { WORKLOADS } from './workload.js';

function count(text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`not a positive count: ${text}`);
  return n;
}

const [mode, what, size, run] = process.argv.slice(2);
if (mode === 'mixed') {
  const spec = WORKLOADS.find((w) => w.name === what);
  if (spec === undefined) throw new Error(`unknown workload ${what}`);
  console.log(JSON.stringify(runMixed(spec, count(size), Number(run ?? 0))));
} else if (mode === 'heap' && (what === 'ours' || what === 'peer')) {
  console.log(JSON.stringify(measureRestingHeap(what satisfies HeapTarget, count(size))));
} else {
  throw new Error(`usage: child.ts mixed <workload> <ops> <run> | heap <ours|peer> <orders>`);
}
