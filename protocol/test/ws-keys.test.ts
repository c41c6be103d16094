import { wsKeys } from '../src/ws-keys.js';

describe('wsKeys', () => {
  it('hangs every registry name off the prefix', () => {
    // Act
    const keys = wsKeys('t-1:');
    // Assess
    expect([
      keys.connection('c='),
      keys.subscriptions('c='),
      keys.stream('trades@SOL_USDC'),
      keys.streams,
      keys.changes,
    ]).toEqual([
      't-1:ws:conn:c=',
      't-1:ws:subs:c=',
      't-1:ws:stream:trades@SOL_USDC',
      't-1:ws:streams',
      't-1:ws:changes',
    ]);
  });
});
