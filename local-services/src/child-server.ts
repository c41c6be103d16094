/**
 * Runs a server binary as a child process: output to a log file in its data folder,
 * ready once a probe succeeds, stopped with the server's own clean-shutdown signal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import type { RunningService } from './running-service.js';
import { removeServerRecord, writeServerRecord } from './server-record.js';
import type { SystemUser } from './system-user.js';

/** How to start one server and how to tell that it is up. */
export interface ChildServerOptions {
  /** Used in messages, e.g. `redis-server`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Holds `server.json`; the log file is usually here too. */
  readonly dataDir: string;
  readonly logFile: string;
  /** The URL the server will answer at once ready. */
  readonly url: string;
  /** Run as this user (PostgreSQL as root); default: ourselves. */
  readonly runAs?: SystemUser;
  /** See {@link EnsureServiceOptions.detached}. */
  readonly detached: boolean;
  /** The signal for a fast, clean shutdown (PostgreSQL: `SIGINT`; `SIGTERM` would wait for clients). */
  readonly stopSignal: NodeJS.Signals;
  /** Resolves once the server answers; rejects while it does not. Called repeatedly. */
  readonly probe: () => Promise<void>;
  readonly readyTimeoutMs: number;
}

const POLL_MS = 100;
const STOP_TIMEOUT_MS = 15_000;

/** The last lines of a log, for error messages that say why a server died. */
export function logTail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitUntilReady(child: ChildProcess, options: ChildServerOptions): Promise<void> {
  const deadline = Date.now() + options.readyTimeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${options.name} exited (${child.exitCode ?? child.signalCode}) before answering; ` +
          `log ${options.logFile}:\n${logTail(options.logFile)}`,
      );
    }
    try {
      return await options.probe();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  child.kill('SIGKILL');
  throw new Error(
    `${options.name} did not answer within ${options.readyTimeoutMs} ms ` +
      `(${(lastError as Error | undefined)?.message}); log ${options.logFile}:\n${logTail(options.logFile)}`,
  );
}

/**
 * Starts the server and resolves once it answers.
 *
 * Not detached, the child shares our process group (Ctrl-C reaches it too) and is
 * signalled when this process exits, so an interrupted test or `npm start` leaves
 * nothing behind. Detached, it gets its own group and outlives us.
 */
export async function startChildServer(options: ChildServerOptions): Promise<RunningService> {
  const log = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: '/',
      stdio: ['ignore', log, log],
      detached: options.detached,
      uid: options.runAs?.uid,
      gid: options.runAs?.gid,
    });
  } finally {
    closeSync(log);
  }
  // A failed spawn (missing binary, no permission) has no pid and reports why in 'error'.
  if (child.pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`${options.name} could not be started: ${error.message}`);
  }
  const pid = child.pid;
  await waitUntilReady(child, options);
  writeServerRecord(options.dataDir, { pid, url: options.url, stopSignal: options.stopSignal });

  const killOnExit = () => child.kill(options.stopSignal);
  if (options.detached) child.unref();
  else process.once('exit', killOnExit);

  return {
    url: options.url,
    started: true,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(options.stopSignal);
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited(child);
        clearTimeout(timer);
      }
      removeServerRecord(options.dataDir, pid);
    },
  };
}
