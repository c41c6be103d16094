/**
 * The pieces the API and end-to-end benchmarks share: child processes that announce
 * themselves with one JSON line, and the few unmeasured calls (sign-up, on-ramp).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { BenchKey } from './load.js';

const TSX = import.meta.resolve('tsx');

/** Starts `file` under tsx and resolves with the first JSON line it prints. */
export async function child<T>(
  file: URL,
  env: NodeJS.ProcessEnv,
): Promise<{ process: ChildProcess; ready: T }> {
  const proc = spawn(process.execPath, ['--import', TSX, fileURLToPath(file)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const ready = await new Promise<T>((resolve, reject) => {
    let out = '';
    proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line !== undefined) resolve(JSON.parse(line) as T);
    });
    proc.once('exit', (code) => reject(new Error(`${file} exited early with ${code}`)));
  });
  return { process: proc, ready };
}

/** SIGTERM, and waits for the exit. */
export async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  await exited;
}

/** A JSON `POST` to the API on `port`, signed when `key` is given. @throws on any status but 200/201 */
export async function post(port: number, path: string, key?: BenchKey, body?: object): Promise<unknown> {
  const query = `timestamp=${Date.now()}`;
  const text = body === undefined ? '' : JSON.stringify(body);
  const signature =
    key === undefined
      ? ''
      : createHmac('sha256', key.secretKey)
          .update(query + text)
          .digest('hex');
  const url = `http://127.0.0.1:${port}${path}${key === undefined ? '' : `?${query}&signature=${signature}`}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'X-MBX-APIKEY': key.apiKey }),
    },
    ...(text === '' ? {} : { body: text }),
  });
  if (response.status !== 200 && response.status !== 201)
    throw new Error(`${path} answered ${response.status}`);
  return response.json();
}
