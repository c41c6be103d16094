/**
 * Integration tests for the services helper, against real servers: the machine's
 * Redis and PostgreSQL, and servers the helper starts from the installed binaries.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATABASE_URL } from '@exchange/protocol';
import { Redis } from 'ioredis';
import pg from 'pg';
import { findFreePort } from '../src/free-port.js';
import { ensurePostgres, ensureRedis, ensureServices } from '../src/index.js';
import { findSystemUser } from '../src/system-user.js';

async function ping(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** `true` when something accepts TCP connections on the loopback port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** The pid the helper recorded for the server it started in `dataDir`. */
function recordedPid(dataDir: string): number {
  return (JSON.parse(readFileSync(join(dataDir, 'server.json'), 'utf8')) as { pid: number }).pid;
}

describe('services helper with the machine’s running servers (integration)', () => {
  it('returns the configured Redis and PostgreSQL without starting anything, and both answer', async () => {
    // Prepare
    const log: string[] = [];

    // Act
    const services = await ensureServices({ log: (line) => log.push(line) });

    // Assess
    expect(services.redis.started).toBe(false);
    expect(services.postgres.started).toBe(false);
    expect(await ping(services.redis.url)).toBe('PONG');
    expect(await query(services.postgres.url, 'select 1 as one')).toEqual([{ one: 1 }]);
    expect(log.filter((line) => line.includes(': using '))).toHaveLength(2);
    await services.stop();
  });

  it('creates the database the URL names when the server does not have it yet', async () => {
    // Prepare
    const machine = new URL(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
    const name = `services_test_${process.pid}_${Date.now()}`;
    const url = new URL(machine);
    url.pathname = `/${name}`;

    // Act
    const db = await ensurePostgres({ url: url.toString(), log: () => {} });

    // Assess
    try {
      expect(db.started).toBe(false);
      expect(await query(db.url, 'select current_database() as name')).toEqual([{ name }]);
    } finally {
      machine.pathname = '/postgres';
      await query(machine.toString(), `drop database if exists "${name}"`);
    }
  });
});

describe('services helper starting its own servers (integration)', () => {
  const savedEnv = { REDIS_URL: process.env.REDIS_URL, DATABASE_URL: process.env.DATABASE_URL };
  let dataRoot: string;

  beforeAll(async () => {
    dataRoot = mkdtempSync(join(tmpdir(), 'services-test-'));
    // mkdtemp makes it private to us; as root, PostgreSQL's own user must get through it.
    chmodSync(dataRoot, 0o755);
    const unused = await findFreePort();
    process.env.REDIS_URL = `redis://127.0.0.1:${unused}`;
    process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${unused}/exchange`;
  });

  afterAll(() => {
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('starts redis-server on a free port when REDIS_URL does not answer, and stop() shuts it down', async () => {
    // Prepare
    const dataDir = join(dataRoot, 'redis');
    const log: string[] = [];

    // Act
    const redis = await ensureRedis({ dataDir, log: (line) => log.push(line) });

    // Assess
    expect(redis.started).toBe(true);
    expect(redis.url).not.toBe(process.env.REDIS_URL);
    expect(await ping(redis.url)).toBe('PONG');
    expect(log.some((line) => line.startsWith('redis: starting redis-server'))).toBe(true);

    await redis.stop();
    expect(await isListening(portOf(redis.url))).toBe(false);
  });

  it('initialises and starts PostgreSQL (as the postgres user when root), and stop() shuts it down', async () => {
    // Prepare
    const dataDir = join(dataRoot, 'postgres');
    const log: string[] = [];

    // Act
    const db = await ensurePostgres({ dataDir, log: (line) => log.push(line) });

    // Assess
    expect(db.started).toBe(true);
    expect(db.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/exchange$/);
    expect(await query(db.url, 'select 1 as one, current_database() as name')).toEqual([
      { one: 1, name: 'exchange' },
    ]);
    expect(log.some((line) => line.startsWith('postgres: initdb: new cluster'))).toBe(true);
    if (process.getuid?.() === 0) {
      expect(statSync(`/proc/${recordedPid(dataDir)}`).uid).toBe(findSystemUser('postgres')?.uid);
    }

    await db.stop();
    expect(await isListening(portOf(db.url))).toBe(false);
  });
});
