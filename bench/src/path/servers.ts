/**
 * Redis and PostgreSQL of `bench:path`'s own, started from the installed binaries on
 * free ports with their data in a scratch folder: other work on the machine then
 * neither adds to their CPU nor to Redis's byte counters, and the process trees to
 * measure are known.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePostgres, ensureRedis, type RunningService } from '@exchange/localstack';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parseProcStat } from './proc-stat.js';

/** A private server and the root of its process tree. */
export interface PrivateServer {
  readonly url: string;
  /** redis-server's pid, or the postmaster's. */
  readonly pid: number;
}

export interface PrivateServers {
  readonly redis: PrivateServer;
  readonly postgres: PrivateServer;
  /** Stops both and removes their data. */
  stop(): Promise<void>;
}

/** Starts both servers (PostgreSQL runs `initdb` first: a few seconds). */
export async function startPrivateServers(log: (line: string) => void): Promise<PrivateServers> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-path-'));
  // PostgreSQL runs as the postgres system user when we are root: it must reach its folder.
  chmodSync(dir, 0o755);
  const started: RunningService[] = [];
  const stop = async (): Promise<void> => {
    for (const server of started.reverse()) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Port 1 never answers: each call starts a server of its own on a free port.
    const redis = await ensureRedis({
      url: 'redis://127.0.0.1:1',
      dataDir: join(dir, 'redis'),
      install: false,
      log,
    });
    started.push(redis);
    const postgres = await ensurePostgres({
      url: 'postgres://postgres@127.0.0.1:1/bench_path',
      dataDir: join(dir, 'postgres'),
      install: false,
      log,
    });
    started.push(postgres);
    return {
      redis: { url: redis.url, pid: await redisPid(redis.url) },
      postgres: { url: postgres.url, pid: await postmasterPid(postgres.url) },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `INFO stats` `total_net_input_bytes`: every byte clients have sent to the server. */
export async function redisInputBytes(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    return infoField(await redis.info('stats'), 'total_net_input_bytes');
  } finally {
    redis.disconnect();
  }
}

async function redisPid(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    return infoField(await redis.info('server'), 'process_id');
  } finally {
    redis.disconnect();
  }
}

function infoField(info: string, name: string): number {
  const value = Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
  if (!Number.isSafeInteger(value)) throw new Error(`Redis INFO has no ${name}`);
  return value;
}

/** The postmaster is every backend's parent. */
async function postmasterPid(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return parseProcStat(readFileSync(`/proc/${rows[0]?.pid}/stat`, 'utf8')).ppid;
  } finally {
    await client.end();
  }
}
