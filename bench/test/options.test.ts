import { integerOption } from '../src/options.js';

describe('integerOption', () => {
  it('reads an integer option at or above its minimum', () => {
    expect(integerOption({ runs: '7' }, 'runs', 1)).toBe(7);
    expect(integerOption({ warmup: '0' }, 'warmup', 0)).toBe(0);
  });

  it.each([['0'], ['1.5'], ['x'], ['']])('refuses %p for a minimum of 1, naming the option', (text) => {
    expect(() => integerOption({ runs: text }, 'runs', 1)).toThrow(
      `--runs must be an integer ≥ 1, got ${text}`,
    );
  });
});
