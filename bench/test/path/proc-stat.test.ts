import { cpuMicrosBetween, descendantsOf, parseProcStat } from '../../src/path/proc-stat.js';

describe('parseProcStat', () => {
  it('reads pid, name, parent and user + system ticks', () => {
    // Prepare: a real line of /proc/self/stat, utime 150 and stime 30.
    const line =
      '10012 (node) R 9999 9999 5341 0 -1 4194304 99 0 0 0 150 30 0 0 20 0 1 0 48236 3133440 357 18446744073709551615';

    // Act
    const stat = parseProcStat(line);

    // Assess
    expect(stat).toEqual({ pid: 10012, comm: 'node', ppid: 9999, cpuTicks: 180 });
  });

  it('counts the fields from the last parenthesis, so a name with spaces and ")" parses', () => {
    const stat = parseProcStat('7 (postgres: a) b) S 3 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1 1 1');

    expect(stat).toEqual({ pid: 7, comm: 'postgres: a) b', ppid: 3, cpuTicks: 11 });
  });

  it.each([['no parentheses at all'], ['5 (x) S 1 2']])('refuses %p', (line) => {
    expect(() => parseProcStat(line)).toThrow();
  });
});

describe('descendantsOf', () => {
  it('gives the root and every process below it, and nothing beside it', () => {
    const processes = [
      { pid: 2, ppid: 1 },
      { pid: 3, ppid: 2 },
      { pid: 4, ppid: 9 },
      { pid: 5, ppid: 3 },
      { pid: 6, ppid: 1 },
    ];

    expect(descendantsOf(1, processes).sort()).toEqual([1, 2, 3, 5, 6]);
    expect(descendantsOf(9, processes)).toEqual([9, 4]);
  });
});

describe('cpuMicrosBetween', () => {
  it('sums the tick deltas per label in microseconds', () => {
    // Prepare: 100 ticks a second, so one tick is 10,000 µs.
    const before = new Map([
      [1, 10],
      [2, 20],
      [3, 5],
    ]);
    const after = new Map([
      [1, 12],
      [2, 25],
      [3, 5],
      [4, 3],
    ]);
    const labels = new Map([
      [1, 'engine'],
      [2, 'postgres'],
      [3, 'postgres'],
      [4, 'postgres'],
    ]);

    // Act
    const micros = cpuMicrosBetween(before, after, labels, 100);

    // Assess: a process born in between counts from zero.
    expect(micros).toEqual({ engine: 20_000, postgres: 80_000 });
  });

  it('leaves out a process gone by the second sample', () => {
    const micros = cpuMicrosBetween(new Map([[1, 10]]), new Map(), new Map([[1, 'fanout']]), 100);

    expect(micros).toEqual({});
  });
});
