/**
 * Throwaway Redis and PostgreSQL servers owned by one caller, for tests that stop and
 * restart the servers under a running system: the machine's shared servers must never
 * be restarted, so a fault-injection run gets its own on free ports, in a scratch
 * folder that `stop()` deletes.
 *
 * `restart()` stops the server and starts it again on the same port, as a failover or
 * a crash and recovery would look to its clients. Redis keeps nothing on disk (as
 * ElastiCache can fail over to an empty node): it comes back empty. PostgreSQL keeps
 * its cluster: it comes back with its data.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findPostgresBinDir, findRedisServer } from './binaries.js';
import { startChildServer } from './child-server.js';
import { findFreePort } from './free-port.js';
import { selectOne, selectOneCreatingDatabase } from './postgres-client.js';
import { redisServerArgs, redisUrlWithPassword, writeRedisAuthConfig } from './redis.js';
import { pingRedis } from './redis-client.js';
import type { RunningService } from './running-service.js';
import { withDatabase } from './service-url.js';
import { postgresRunAs } from './system-user.js';

const run = promisify(execFile);

/** A server this process owns alone. */
export interface PrivateServer {
  /** Where it answers; the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** The scratch folder holding its files and log (`redis.log`, `postgres.log`); `stop()` deletes it. */
  readonly dir: string;
  /**
   * Stops the server and starts it again on the same port; `whileDown` runs in between
   * (a test's requests to a server that is down).
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /** Stops the server and deletes its scratch folder. */
  stop(): Promise<void>;
}

export interface PrivateServerOptions {
  /** Parent of the scratch folder; default the system's temporary folder. */
  readonly parentDir?: string;
}

/** How one kind of server starts on a known port in a known folder. */
interface Launcher {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  start(): Promise<RunningService>;
}

/** Start, restart and stop around a {@link Launcher}; the scratch folder goes with `stop()`. */
async function ownServer(launcher: Launcher): Promise<PrivateServer> {
  let current: RunningService | undefined;
  const start = async (): Promise<void> => {
    current = await launcher.start();
  };
  const halt = async (): Promise<void> => {
    const running = current;
    current = undefined;
    await running?.stop();
  };
  try {
    await start();
  } catch (error) {
    rmSync(launcher.dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: launcher.url,
    port: launcher.port,
    dir: launcher.dir,
    async restart(whileDown) {
      await halt();
      try {
        await whileDown?.();
      } finally {
        await start();
      }
    },
    async stop() {
      await halt();
      rmSync(launcher.dir, { recursive: true, force: true });
    },
  };
}

/**
 * A `redis-server` of our own on a free port, without RDB or AOF files.
 * @throws Error when `redis-server` is not installed
 * @example
 * const redis = await startPrivateRedis();
 * await redis.restart(); // same URL, every key gone
 * await redis.stop();
 */
export async function startPrivateRedis(
  options: PrivateServerOptions & {
    /** Require this password (`requirepass`); the URL then carries it. None when omitted. */
    readonly password?: string;
  } = {},
): Promise<PrivateServer> {
  const binary = findRedisServer();
  if (binary === undefined) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'private-redis-'));
  const port = await findFreePort();
  const plain = `redis://127.0.0.1:${port}`;
  const url = options.password === undefined ? plain : redisUrlWithPassword(plain, options.password);
  const authConfig = options.password === undefined ? undefined : writeRedisAuthConfig(dir, options.password);
  return ownServer({
    url,
    port,
    dir,
    start: () =>
      startChildServer({
        name: 'redis-server',
        command: binary,
        args: redisServerArgs(port, dir, authConfig),
        dataDir: dir,
        logFile: join(dir, 'redis.log'),
        url,
        detached: false,
        stopSignal: 'SIGTERM',
        probe: () => pingRedis(url, 500),
        readyTimeoutMs: 10_000,
      }),
  });
}

/**
 * A PostgreSQL cluster of our own (initdb into a scratch folder, trust authentication,
 * TCP on 127.0.0.1 only) on a free port, with database `database` (default `exchange`)
 * created. As root, the cluster belongs to and runs as the `postgres` system user.
 * @throws Error when PostgreSQL is not installed, or initdb fails
 * @example
 * const db = await startPrivatePostgres();
 * await db.restart(); // same URL, same data
 * await db.stop();
 */
export async function startPrivatePostgres(
  options: PrivateServerOptions & { readonly database?: string } = {},
): Promise<PrivateServer> {
  const binDir = findPostgresBinDir();
  if (binDir === undefined) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const runAs = postgresRunAs();
  const dir = mkdtempSync(join(options.parentDir ?? tmpdir(), 'private-postgres-'));
  const pgdata = join(dir, 'data');
  if (runAs) {
    chownSync(dir, runAs.uid, runAs.gid);
    // The log file is opened by us (root) beside the cluster; the server only needs to traverse.
    chmodSync(dir, 0o711);
  }
  const port = await findFreePort();
  const url = `postgres://postgres@127.0.0.1:${port}/${options.database ?? 'exchange'}`;
  try {
    // --no-sync: a throwaway cluster; crash safety against power loss is not the point here.
    const args = ['-D', pgdata, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
    await run(join(binDir, 'initdb'), args, {
      cwd: '/',
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(`private postgres: initdb failed: ${stderr || (error as Error).message}`);
  }
  return ownServer({
    url,
    port,
    dir,
    async start() {
      const server = await startChildServer({
        name: 'postgres',
        command: join(binDir, 'postgres'),
        // `-k ''`: no Unix socket, which would clash with the machine's server's lock file.
        args: ['-D', pgdata, '-p', String(port), '-h', '127.0.0.1', '-k', ''],
        dataDir: dir,
        logFile: join(dir, 'postgres.log'),
        url,
        runAs,
        detached: false,
        // SIGINT is the fast shutdown; SIGTERM would wait for every client to disconnect.
        stopSignal: 'SIGINT',
        probe: () => selectOne(withDatabase(url, 'postgres'), 1_000),
        readyTimeoutMs: 30_000,
      });
      try {
        await selectOneCreatingDatabase(url, 5_000);
      } catch (error) {
        await server.stop();
        throw error;
      }
      return server;
    },
  });
}
