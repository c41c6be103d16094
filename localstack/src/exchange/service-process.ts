/**
 * A service of the exchange run as its own Node process (the engine, the fan-out, the
 * market makers, the UI): output piped line by line to a {@link LineWriter}, ready once
 * a probe answers, stopped with SIGTERM (then SIGKILL after a grace period).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { LineWriter } from './log-lines.js';

export interface ServiceProcessOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly write: LineWriter;
  /** Resolves once the service is up; polled every 200 ms until `readyTimeoutMs`. */
  readonly ready?: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
  /** SIGTERM → SIGKILL after this long; default 30 s (the engine finishes its batch). */
  readonly stopTimeoutMs?: number;
}

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Settles with the exit code (or signal) when the process ends. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** Lines seen so far (the last 200), for error messages. */
  readonly recent: string[];
  stop(): Promise<void>;
}

/**
 * Starts the process and waits until `ready` answers true.
 * @throws when the process exits first or is not ready in time (it is then stopped)
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 200) recent.shift();
      options.write(line);
    });
  }
  let exitValue: number | NodeJS.Signals | null | undefined;
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitValue = code ?? signal;
      resolve(exitValue);
    });
  });
  const stop = async (): Promise<void> => {
    if (exitValue !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 30_000);
    await exited;
    clearTimeout(timer);
  };
  const service: ServiceProcess = { name: options.name, child, exited, recent, stop };
  if (options.ready === undefined) return service;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exitValue !== undefined) {
      throw new Error(
        `${options.name} exited (${String(exitValue)}) before it was ready:\n${recent.slice(-20).join('\n')}`,
      );
    }
    if (await options.ready().catch(() => false)) return service;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A readiness probe: the URL answers 200. */
export function answers(url: string): () => Promise<boolean> {
  return async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200;
}
