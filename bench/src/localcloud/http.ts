/**
 * Throughput and tail latency of a no-op route (`GET /health`) through the API Gateway
 * emulator, against a bare node:http server sending the same body. The target:
 * the emulator keeps at least 70% of the bare server's requests per second.
 *
 * Each server runs in a child process and autocannon drives it from this one, over
 * keep-alive connections to 127.0.0.1. Rounds alternate bare, emulator, emulator, bare…
 * so a burst of load elsewhere on the box hits both alike.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { TargetKind } from './http-target.js';

export interface HttpOptions {
  readonly connections: number;
  /** Measured seconds per target and round. */
  readonly seconds: number;
  /** Unmeasured seconds before each measurement. */
  readonly warmupSeconds: number;
  readonly rounds: number;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = { connections: 10, seconds: 5, warmupSeconds: 1, rounds: 2 };

/** One autocannon run against one target. */
export interface HttpRun {
  readonly target: TargetKind;
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Errors, timeouts and non-2xx answers; anything but 0 spoils the run. */
  readonly failures: number;
}

export interface HttpResult {
  readonly options: HttpOptions;
  readonly runs: readonly HttpRun[];
  /** Requests over seconds, summed across rounds. */
  readonly emulatorRps: number;
  readonly bareRps: number;
  readonly ratio: number;
  /** The worst round's p99. */
  readonly emulatorP99Ms: number;
  readonly bareP99Ms: number;
}

const TARGET = fileURLToPath(new URL('./http-target.ts', import.meta.url));
// Absolute, so the child finds tsx whatever its working directory.
const TSX = import.meta.resolve('tsx');

/** Runs every round and sums them up. */
export async function measureHttpThroughput(
  options: HttpOptions = DEFAULT_HTTP_OPTIONS,
): Promise<HttpResult> {
  const runs: HttpRun[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order: TargetKind[] = round % 2 === 0 ? ['bare', 'emulator'] : ['emulator', 'bare'];
    for (const target of order) {
      process.stderr.write(`http round ${round + 1}/${options.rounds}: ${target}…\n`);
      runs.push(await measureTarget(target, options));
    }
  }
  const total = (target: TargetKind): { requests: number; seconds: number; p99Ms: number } => {
    const mine = runs.filter((r) => r.target === target);
    return {
      requests: mine.reduce((sum, r) => sum + r.requests, 0),
      seconds: mine.reduce((sum, r) => sum + r.seconds, 0),
      p99Ms: Math.max(...mine.map((r) => r.p99Ms)),
    };
  };
  const emulator = total('emulator');
  const bare = total('bare');
  const emulatorRps = emulator.requests / emulator.seconds;
  const bareRps = bare.requests / bare.seconds;
  return {
    options,
    runs,
    emulatorRps,
    bareRps,
    ratio: emulatorRps / bareRps,
    emulatorP99Ms: emulator.p99Ms,
    bareP99Ms: bare.p99Ms,
  };
}

async function measureTarget(target: TargetKind, options: HttpOptions): Promise<HttpRun> {
  const child = spawn(process.execPath, ['--import', TSX, TARGET, target], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await portOf(child);
    const url = `http://127.0.0.1:${port}/health`;
    await autocannon({ url, connections: options.connections, duration: options.warmupSeconds });
    // autocannon's own latency histogram counts whole milliseconds; every request here
    // takes less than one, so the response times are kept and ranked here instead.
    const times: number[] = [];
    const result = await autocannon({ url, connections: options.connections, duration: options.seconds }).on(
      'response',
      (_client, _status, _bytes, ms) => {
        times.push(ms);
      },
    );
    times.sort((a, b) => a - b);
    return {
      target,
      requests: result.requests.total,
      seconds: result.duration,
      rps: result.requests.total / result.duration,
      p50Ms: percentile(times, 0.5),
      p99Ms: percentile(times, 0.99),
      failures: result.errors + result.timeouts + result.non2xx,
    };
  } finally {
    child.kill();
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/** The port the child prints once it listens; rejects if it exits first. */
function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`benchmark server exited early with ${code}`)));
    child.once('error', reject);
  });
}
