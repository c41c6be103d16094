import { redisKeys } from '../src/redis-keys.js';

describe('redisKeys', () => {
  it('hangs every key and channel off the prefix, the engine lease included', () => {
    // Act
    const keys = redisKeys('t-1:');

    // Assess
    expect([keys.orders('a-1'), keys.balances('a-1'), keys.engineLease, keys.accountChannel('a-1')]).toEqual([
      't-1:orders:a-1',
      't-1:balances:a-1',
      't-1:engine:lease',
      't-1:md:account@a-1',
    ]);
    expect(keys.streamOf('t-1:md:trades@SOL_USDC')).toBe('trades@SOL_USDC');
    expect(redisKeys().engineLease).toBe('engine:lease');
  });
});
