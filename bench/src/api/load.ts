/**
 * The load of the API benchmark: signed `POST /api/v3/order` requests, each answered
 * only once the engine replied. Closed loop (N connections, each sending its next
 * order when the last one was answered) and open loop (a fixed rate, latency counted
 * from when each order was due, so a stall is not hidden by fewer sends).
 */
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';

/** An account's key pair. */
export interface BenchKey {
  readonly apiKey: string;
  readonly secretKey: string;
}

/** One measured run. */
export interface LoadRun {
  readonly name: string;
  readonly orders: number;
  readonly seconds: number;
  readonly ordersPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Answers other than 200 (202 included: a late engine reply), and transport errors. */
  readonly failures: number;
  readonly statuses: Readonly<Record<string, number>>;
}

let sequence = 0;

/** A crossing-prone limit order near 100 USDC (2 USDC of value: above the 1 USDC minimum), so the load both rests and trades. */
function orderQuery(): string {
  const n = sequence++;
  const side = n % 2 === 0 ? 'BUY' : 'SELL';
  const cents = 9_990 + ((n * 7919) % 21); // 99.90 … 100.10
  const price = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return `symbol=SOLUSDC&side=${side}&type=LIMIT&timeInForce=GTC&price=${price}&quantity=0.020&newClientOrderId=b${n}&newOrderRespType=RESULT&timestamp=${Date.now()}`;
}

/** Sends one signed order; resolves with the status and the milliseconds it took. */
export function sendOrder(agent: Agent, port: number, key: BenchKey): Promise<number> {
  const query = orderQuery();
  const signature = createHmac('sha256', key.secretKey).update(query).digest('hex');
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/v3/order?${query}&signature=${signature}`,
        headers: { 'X-MBX-APIKEY': key.apiKey },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end();
  });
}

function summarize(
  name: string,
  times: number[],
  statuses: Record<string, number>,
  seconds: number,
): LoadRun {
  times.sort((a, b) => a - b);
  const at = (p: number): number =>
    times[Math.min(times.length - 1, Math.max(0, Math.ceil(p * times.length) - 1))] ?? Number.NaN;
  const failures = Object.entries(statuses)
    .filter(([status]) => status !== '200')
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    name,
    orders: times.length,
    seconds,
    ordersPerS: times.length / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: times.at(-1) ?? Number.NaN,
    failures,
    statuses,
  };
}

/** `connections` loops, each sending its next order when the last was answered, for `seconds`. */
export async function closedLoop(
  port: number,
  keys: readonly BenchKey[],
  connections: number,
  seconds: number,
): Promise<LoadRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, i) => {
      const key = keys[i % keys.length] as BenchKey;
      while (performance.now() < end) {
        const sent = performance.now();
        const status = await sendOrder(agent, port, key);
        times.push(performance.now() - sent);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  agent.destroy();
  return summarize(
    `closed loop, ${connections} connections`,
    times,
    statuses,
    (performance.now() - start) / 1000,
  );
}

/** `rate` orders per second for `seconds`, latency from each order's due time. */
export async function openLoop(
  port: number,
  keys: readonly BenchKey[],
  rate: number,
  seconds: number,
): Promise<LoadRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  const total = rate * seconds;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const key = keys[i % keys.length] as BenchKey;
    pending.push(
      sendOrder(agent, port, key).then((status) => {
        times.push(performance.now() - due);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return summarize(`open loop, ${rate} orders/s`, times, statuses, (performance.now() - start) / 1000);
}
