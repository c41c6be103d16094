import { env } from '../src/env.js';

describe('env', () => {
  it('reads a set variable', () => {
    expect(env('SNAPSHOT_EVERY_MS', '60000', { SNAPSHOT_EVERY_MS: '500' })).toBe('500');
  });

  it.each([
    ['unset', {}],
    ['empty', { SNAPSHOT_EVERY_MS: '' }],
  ])('falls back when the variable is %s', (_, source) => {
    expect(env('SNAPSHOT_EVERY_MS', '60000', source)).toBe('60000');
  });
});
