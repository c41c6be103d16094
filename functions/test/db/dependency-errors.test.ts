/**
 * Unit tests (no network) of the one classification of failures: what means "a
 * dependency is down" (503) and what is a bug (500).
 */
import { SqsCallError } from '@exchange/sqs-client';
import { DependencyUnavailableError, isDependencyFailure } from '../../src/db/dependency-errors.js';
import { MemoryWindows } from '../../src/http/memory-windows.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('isDependencyFailure', () => {
  it.each<[string, unknown]>([
    ['pg: connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['pg: connection reset', withCode('ECONNRESET')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['pg: SQLSTATE 08006 connection failure', withCode('08006')],
    ['pg: SQLSTATE 08001 cannot connect', withCode('08001')],
    ['pg: SQLSTATE 57P01 admin shutdown', withCode('57P01')],
    ['pg: SQLSTATE 57P02 crash shutdown', withCode('57P02')],
    ['pg: SQLSTATE 57P03 cannot connect now', withCode('57P03')],
    ['pg: SQLSTATE 53300 too many connections', withCode('53300')],
    [
      'pg: SQLSTATE 57014 statement timeout',
      withCode('57014', 'canceling statement due to statement timeout'),
    ],
    [
      'ioredis: retries spent',
      named('MaxRetriesPerRequestError', 'Reached the max retries per request limit'),
    ],
    ['ioredis: connection closed', new Error('Connection is closed.')],
    ['ioredis: command timeout', new Error('Command timed out')],
    ['redis: loading', named('ReplyError', 'LOADING Redis is loading the dataset in memory')],
    [
      'redis: failed over replica',
      named('ReplyError', "READONLY You can't write against a read only replica."),
    ],
    ['sqs: no answer', new SqsCallError('NetworkingError', 'ECONNREFUSED', 0, true)],
    ['sqs: still throttled', new SqsCallError('ThrottlingException', 'slow down', 400, true)],
    ['sqs: server error', new SqsCallError('InternalError', 'oops', 500, true)],
    ['read models not rebuilt', new DependencyUnavailableError('read-models', 'absent')],
    ['wrapped in a cause', new Error('query failed', { cause: withCode('ECONNREFUSED') })],
    ['one of several connection attempts', new AggregateError([withCode('ECONNREFUSED')], 'connect failed')],
    ['from another realm (a plain object)', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }],
  ])('%s: unavailable (503)', (_, error) => {
    expect(isDependencyFailure(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a bug', new TypeError('undefined is not a function')],
    ['pg: syntax error', withCode('42601', 'syntax error at or near "SELEC"')],
    ['pg: unique violation', withCode('23505')],
    [
      'redis: wrong type',
      named('ReplyError', 'WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
    ['sqs: queue missing (configuration)', new SqsCallError('QueueDoesNotExist', 'no queue', 400, false)],
    ['not an error', 'Connection is closed.'],
    ['nothing', undefined],
  ])('%s: a bug (500)', (_, error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });
});

describe('MemoryWindows', () => {
  it('counts per id within a window, refuses past the limit with the time left, and starts over after it', () => {
    // Prepare
    let now = 1_000;
    const windows = new MemoryWindows(10, () => now);

    // Act
    const within = [windows.spend('a', 2, 3, 100), windows.spend('b', 3, 3, 100)];
    const over = windows.spend('a', 2, 3, 100);
    now += 40;
    const later = windows.spend('a', 1, 3, 100);
    now += 60;
    const next = windows.spend('a', 3, 3, 100);

    // Assess
    expect(within).toEqual([-1, -1]);
    expect(over).toBe(100);
    expect(later).toBe(60);
    expect(next).toBe(-1);
  });

  it('keeps at most maxEntries windows, dropping expired ones first, then the oldest', () => {
    // Prepare
    let now = 0;
    const windows = new MemoryWindows(2, () => now);
    windows.spend('old', 5, 1, 10);
    windows.spend('kept', 5, 1, 1_000);
    now = 20;

    // Act: 'old' expired and is pruned; then the table is full again and 'kept' is the oldest
    windows.spend('new', 1, 1, 1_000);
    windows.spend('newest', 1, 1, 1_000);

    // Assess: 'kept' was dropped, so it starts a fresh window (dropping 'new'); 'newest' still counts
    expect(windows.spend('kept', 1, 1, 1_000)).toBe(-1);
    expect(windows.spend('newest', 1, 1, 1_000)).toBeGreaterThan(0);
  });
});
