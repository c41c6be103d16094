/**
 * `npm run bench:api [-- --json] [--seconds S] [--rate R]`
 *
 * Signed `POST /api/v3/order` through the API Gateway emulator to the engine's reply:
 * orders/s and latency at 16 and 64 connections (closed loop), then p50/p99 at a fixed
 * 1,000 orders/s (open loop). Three processes: this one (the client), the API emulator,
 * and the stack behind it (engine service, DB processor, fauxqs; Redis and PostgreSQL
 * are their own servers). Progress goes to stderr. See `order-bench.ts`.
 */
import os from 'node:os';
import { orderBenchArgs, runOrderBench } from './order-bench.js';
import { child, stop } from './processes.js';

const args = orderBenchArgs();
const loadAtStart = os.loadavg()[0] ?? 0;
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

log('starting the stack…');
const infra = await child<Record<string, string>>(new URL('./infra-child.ts', import.meta.url), process.env);
try {
  const api = await child<{ port: number }>(new URL('./api-child.ts', import.meta.url), {
    ...process.env,
    ...infra.ready,
  });
  try {
    await runOrderBench({
      ...args,
      name: 'api',
      title:
        "API: signed POST /api/v3/order (LIMIT, newOrderRespType=RESULT) through the HTTP emulator to the engine's reply;",
      port: api.ready.port,
      loadAtStart,
      log,
    });
  } finally {
    await stop(api.process);
  }
} finally {
  await stop(infra.process);
}
