/**
 * `server.json` in a service's data folder records a server we started, so that a
 * later run finds one left behind by `cli.ts --keep` (and reuses or stops it)
 * instead of starting a second server on the same data.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What is written to `server.json`. */
export interface ServerRecord {
  readonly pid: number;
  readonly url: string;
  /** The signal that shuts this server down cleanly and quickly. */
  readonly stopSignal: NodeJS.Signals;
}

const FILE = 'server.json';
const STOP_TIMEOUT_MS = 15_000;

export function writeServerRecord(dataDir: string, record: ServerRecord): void {
  writeFileSync(join(dataDir, FILE), `${JSON.stringify(record)}\n`);
}

/** Removes the record, but only if it still describes the process `pid`. */
export function removeServerRecord(dataDir: string, pid: number): void {
  if (readServerRecord(dataDir)?.pid === pid) rmSync(join(dataDir, FILE), { force: true });
}

/** `true` while a process with this id exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The record of a server that is still alive, or `undefined` (a stale record is deleted). */
export function readServerRecord(dataDir: string): ServerRecord | undefined {
  const file = join(dataDir, FILE);
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(readFileSync(file, 'utf8')) as ServerRecord;
  if (isAlive(record.pid)) return record;
  rmSync(file, { force: true });
  return undefined;
}

/**
 * Stops the server recorded in `dataDir`, if any, and waits until its process is gone.
 *
 * @returns the stopped server's record, or `undefined` when none was running.
 */
export async function stopRecordedServer(dataDir: string): Promise<ServerRecord | undefined> {
  const record = readServerRecord(dataDir);
  if (!record) return undefined;
  process.kill(record.pid, record.stopSignal);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(record.pid)) {
    if (Date.now() > deadline) process.kill(record.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  removeServerRecord(dataDir, record.pid);
  return record;
}
