/**
 * Integration tests for the private servers: real `redis-server` and `postgres`
 * processes started from the installed binaries on free ports, restarted and stopped.
 */
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { startPrivatePostgres, startPrivateRedis } from '../src/index.js';

async function withRedis<T>(url: string, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return await use(client);
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

describe('private servers (integration)', () => {
  it('restarts Redis on the same port and it comes back empty', async () => {
    // Prepare
    const redis = await startPrivateRedis();
    try {
      await withRedis(redis.url, (client) => client.set('kept', 'no'));

      // Act
      await redis.restart();

      // Assess
      expect(new URL(redis.url).port).toBe(String(redis.port));
      expect(await withRedis(redis.url, (client) => client.ping())).toBe('PONG');
      expect(await withRedis(redis.url, (client) => client.dbsize())).toBe(0);
    } finally {
      await redis.stop();
    }
  });

  it('restarts PostgreSQL on the same port and it keeps its data', async () => {
    // Prepare
    const postgres = await startPrivatePostgres();
    try {
      await query(postgres.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');

      // Act
      await postgres.restart();

      // Assess
      expect(await query(postgres.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
    } finally {
      await postgres.stop();
    }
  });

  it('stops for good: the port no longer answers and the scratch folder is gone', async () => {
    // Prepare
    const redis = await startPrivateRedis();
    const postgres = await startPrivatePostgres({ database: 'other' });
    expect(new URL(postgres.url).pathname).toBe('/other');
    expect(await query(postgres.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);

    // Act
    await redis.stop();
    await postgres.stop();

    // Assess
    await expect(withRedis(redis.url, (client) => client.ping())).rejects.toThrow();
    await expect(query(postgres.url, 'SELECT 1')).rejects.toThrow();
    expect(existsSync(redis.dir)).toBe(false);
    expect(existsSync(postgres.dir)).toBe(false);
  });
});
