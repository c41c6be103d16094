/**
 * Redis and PostgreSQL of `bench:path`'s own, started from the installed binaries on
 * free ports with their data in a scratch folder: other work on the machine then
 * neither adds to their CPU nor to Redis's byte counters, and the process trees to
 * measure are known.
 */
import { readFileSync } from 'node:fs';
import {
  type PrivateServer as LocalServer,
  startPrivatePostgres,
  startPrivateRedis,
} from '@exchange/local-services';
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
export async function startPrivateServers(): Promise<PrivateServers> {
  const redis = await startPrivateRedis();
  let postgres: LocalServer;
  try {
    postgres = await startPrivatePostgres();
  } catch (error) {
    await redis.stop();
    throw error;
  }
  return {
    redis: { url: redis.url, pid: await redisPid(redis.url) },
    postgres: { url: postgres.url, pid: await postmasterPid(postgres.url) },
    stop: async () => {
      await postgres.stop();
      await redis.stop();
    },
  };
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
