/**
 * `npm run bench:e2e [-- --json] [--seconds S] [--rate R]`
 *
 * The order benchmark of `bench:api` (see `../api/order-bench.ts`) against the whole
 * exchange as `npm start` runs it — engine, DB processor, fan-out, settlement and the
 * market makers trading at the same time — in a child process, on free ports. Metric
 * keys: `orders_per_s_c64`, `p50_ms_at_1000`, `p99_ms_at_1000` (and `orders_per_s_c16`).
 */
import os from 'node:os';
import { orderBenchArgs, runOrderBench } from '../api/order-bench.js';
import { child, stop } from '../api/processes.js';

const args = orderBenchArgs();
const loadAtStart = os.loadavg()[0] ?? 0;
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

log('starting the exchange…');
const exchange = await child<{ port: number }>(new URL('./exchange-child.ts', import.meta.url), process.env);
try {
  await runOrderBench({
    ...args,
    name: 'e2e',
    title:
      "End to end: signed POST /api/v3/order through the whole exchange (npm start's stack, market makers trading) to the engine's reply;",
    port: exchange.ready.port,
    loadAtStart,
    log,
  });
} finally {
  await stop(exchange.process);
}
