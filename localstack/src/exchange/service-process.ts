/**
 * A service of the exchange run as its own Node process (the engine, the fan-out, the
 * DB processor's poller, the settlement schedule, the market makers, the UI): output
 * piped line by line to a {@link LineWriter}, ready once a probe answers, stopped with
 * SIGTERM (then SIGKILL after a grace period).
 *
 * Each child runs in a process group of its own, so a terminal's Ctrl-C reaches only
 * the orchestrator, which then stops the services in order. Its stdin is a pipe held
 * open for the orchestrator's whole life: the preloaded `exit-with-parent.ts` stops the
 * child when that pipe closes, which the OS does however the orchestrator ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LineWriter } from './log-lines.js';

// Absolute, so a child finds both whatever its working directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const EXIT_WITH_PARENT = new URL('./exit-with-parent.ts', import.meta.url).href;

/** Stderr lines written this long before a process exited count as its last words. */
const LAST_WORDS_MS = 5_000;

/** How a process ended: its exit code, or the signal that ended it. */
export type ExitCause = number | NodeJS.Signals | null;

export interface ServiceProcessOptions {
  readonly name: string;
  /** The entry module, run with tsx and `exit-with-parent.ts` preloaded. */
  readonly entry: string;
  /** Arguments for the entry. */
  readonly args?: readonly string[];
  /** Node's own flags, before the preloads. */
  readonly nodeOptions?: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly write: LineWriter;
  /** Resolves once the service is up; polled every 200 ms until `readyTimeoutMs`. */
  readonly ready?: () => Promise<boolean>;
  readonly readyTimeoutMs?: number;
  /** SIGTERM → SIGKILL after this long; default 30 s (the engine finishes its batch). */
  readonly stopTimeoutMs?: number;
  /** Calls off the wait for readiness: the process is stopped and the start rejects. */
  readonly signal?: AbortSignal;
}

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Settles with the exit code (or signal) when the process ends. */
  readonly exited: Promise<ExitCause>;
  /** Lines seen so far (the last 200), for error messages. */
  readonly recent: string[];
  /**
   * What it wrote to stderr in the last few seconds before it exited (or before now):
   * the usual last words of a crash, without the warnings of its start-up long before.
   */
  lastWords(): readonly string[];
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL at once, to the child's whole process group. */
  kill(): void;
}

/**
 * Starts the process and waits until `ready` answers true.
 * @throws when the process exits first or is not ready in time (it is then stopped)
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeOptions ?? []),
      '--import',
      TSX,
      '--import',
      EXIT_WITH_PARENT,
      options.entry,
      ...(options.args ?? []),
    ],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    },
  );
  // The write end stays open until this process ends; a child gone first makes it EPIPE.
  child.stdin?.on('error', () => {});
  const recent: string[] = [];
  const recentErrors: { readonly at: number; readonly line: string }[] = [];
  const keep = <T>(lines: T[], line: T, max: number): void => {
    lines.push(line);
    if (lines.length > max) lines.shift();
  };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    keep(recent, line, 200);
    options.write(line);
  });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    keep(recent, line, 200);
    keep(recentErrors, { at: Date.now(), line }, 20);
    options.write(line);
  });
  let exitValue: ExitCause | undefined;
  let exitedAt: number | undefined;
  const lastWords = (): string[] => {
    const end = exitedAt ?? Date.now();
    return recentErrors.filter((entry) => entry.at >= end - LAST_WORDS_MS).map((entry) => entry.line);
  };
  const exited = new Promise<ExitCause>((resolve) => {
    const settle = (value: ExitCause): void => {
      if (exitValue !== undefined) return;
      exitValue = value;
      exitedAt = Date.now();
      resolve(value);
    };
    child.once('exit', (code, signal) => settle(code ?? signal));
    child.once('error', (error) => {
      keep(recentErrors, { at: Date.now(), line: error.message }, 20);
      if (child.pid === undefined) settle(null);
    });
  });
  const kill = (): void => {
    if (exitValue !== undefined || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const stop = async (): Promise<void> => {
    if (exitValue !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      options.write(`did not stop within ${(options.stopTimeoutMs ?? 30_000) / 1000} s: killed`);
      kill();
    }, options.stopTimeoutMs ?? 30_000);
    await exited;
    clearTimeout(timer);
  };
  const service: ServiceProcess = {
    name: options.name,
    child,
    pid: child.pid,
    exited,
    recent,
    lastWords,
    stop,
    kill,
  };
  if (options.ready === undefined) return service;
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitValue !== undefined) {
      const tail = lastWords().length > 0 ? lastWords() : recent;
      throw new Error(
        `${options.name} ${describeExit(exitValue)} before it was ready${tail.length > 0 ? `:\n${tail.slice(-10).join('\n')}` : ''}`,
      );
    }
    if (options.signal?.aborted) {
      await stop();
      throw new Error(`${options.name}: start called off`);
    }
    if (await options.ready().catch(() => false)) return service;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} was not ready within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `exited (1)`, `exited (SIGKILL)`. */
export function describeExit(cause: ExitCause): string {
  return `exited (${cause === null ? 'unknown cause' : String(cause)})`;
}

/** The entry file of this package's `relative` module, for {@link ServiceProcessOptions.entry}. */
export function localEntry(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/** A readiness probe: the URL answers 200. */
export function answers(url: string): () => Promise<boolean> {
  return async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200;
}
