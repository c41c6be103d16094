/**
 * The shard of a connection id (here and inside a real Redis), and the `FANOUT_SHARD` syntax.
 */
import { randomBytes } from 'node:crypto';
import { ensureRedis, type RunningService } from '@exchange/local-services';
import { Redis } from 'ioredis';
import { parseShard, SHARD_MEMBERS_LUA, shardOf } from '../../src/fanout/connection-shard.js';

const ids = Array.from({ length: 4000 }, () => `${randomBytes(11).toString('base64url')}=`);

describe('shardOf', () => {
  it('spreads API Gateway-like ids evenly over the shards', () => {
    // Act
    const counts = [0, 0, 0, 0];
    for (const id of ids) {
      const shard = shardOf(id, 4);
      counts[shard] = (counts[shard] as number) + 1;
    }
    // Assess
    for (const count of counts) expect(count).toBeGreaterThan(800);
    expect(ids.every((id) => shardOf(id, 1) === 0)).toBe(true);
  });

  it('agrees with the Lua that filters a stream set inside Redis', async () => {
    // Prepare
    const service: RunningService = await ensureRedis();
    const redis = new Redis(service.url);
    const key = `test-${randomBytes(6).toString('hex')}:ws:stream:trades@SOL_USDC`;
    await redis.sadd(key, ...ids, 'ünïcode-id');
    try {
      for (const index of [0, 1, 2]) {
        // Act
        const mine = (await redis.eval(SHARD_MEMBERS_LUA, 1, key, index, 3)) as string[];
        // Assess
        const expected = [...ids, 'ünïcode-id'].filter((id) => shardOf(id, 3) === index);
        expect(mine.sort()).toEqual(expected.sort());
      }
    } finally {
      await redis.del(key);
      redis.disconnect();
      await service.stop();
    }
  });
});

describe('parseShard', () => {
  it('reads i/n and refuses anything else', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    for (const bad of ['3/3', '0/0', '1', '-1/2', 'a/b', '1/2/3'])
      expect(() => parseShard(bad)).toThrow(/i\/n/);
  });
});
