/**
 * Unit tests of the sequencer's pure stages (no network): parsing a queue message,
 * the de-duplication window, the batch applier and which refused deletes stop the loop.
 */
import type { Message } from '@aws-sdk/client-sqs';
import { createMarketRegistry, type Reply } from '@exchange/protocol';
import { Engine } from '../../../src/core/index.js';
import type { JournaledReply } from '../../../src/runtime/journal/journal.js';
import { applyBatch } from '../../../src/runtime/sequencer/apply-batch.js';
import { deleteFailure } from '../../../src/runtime/sequencer/delete-messages.js';
import { readCommand } from '../../../src/runtime/sequencer/read-command.js';
import { MAX_CLOCK_SKEW_MS, RecentRequests } from '../../../src/runtime/sequencer/recent-requests.js';

const registry = createMarketRegistry();
const T0 = 1_700_000_000_000;

function message(body: unknown, dedup = 'dedup-1'): Message {
  return {
    MessageId: 'message-1',
    Body: typeof body === 'string' ? body : JSON.stringify(body),
    Attributes: { MessageDeduplicationId: dedup },
  };
}

function deposit(requestId: string, amount: string, replyTo?: string): Message {
  return message(
    { type: 'DEPOSIT', requestId, accountId: 'alice', asset: 'USDC', amount, replyTo },
    requestId,
  );
}

function rejection(requestId: string): Reply {
  return { ok: false, requestId, seq: 1, time: T0, code: 'INSUFFICIENT_FUNDS', message: 'earlier' };
}

describe('readCommand', () => {
  it('reads the request id and the reply inbox from the body', () => {
    expect(readCommand(message({ requestId: 'r-1', replyTo: 'inbox-1' }))).toMatchObject({
      requestId: 'r-1',
      replyTo: 'inbox-1',
    });
  });

  it('falls back on the deduplication id, then the message id, and names no inbox when the body does not', () => {
    expect(readCommand(message({ requestId: '', replyTo: '' }))).toMatchObject({
      requestId: 'dedup-1',
      replyTo: undefined,
    });
    expect(readCommand({ MessageId: 'message-9', Body: '{}' })).toMatchObject({ requestId: 'message-9' });
  });

  it('keeps a body that is not JSON as it is, for the applier to refuse', () => {
    expect(readCommand(message('not json'))).toEqual({
      requestId: 'dedup-1',
      replyTo: undefined,
      wire: 'not json',
    });
  });

  it('reads a request id holding NUL as the journal stores it', () => {
    expect(readCommand(message({ requestId: 'a\u0000b' })).requestId).toBe('a\ufffdb');
  });
});

describe('the de-duplication window', () => {
  /** A UUID version 7 made at `time`. */
  const madeAt = (time: number, tail = '7000-8000-000000000000'): string => {
    const hex = time.toString(16).padStart(12, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8)}-${tail}`;
  };

  it('forgets the oldest reply once it holds more than its capacity', () => {
    // Prepare
    const window = new RecentRequests({ replies: 2 });

    // Act
    window.remember('r-1', rejection('r-1'), T0);
    window.remember('r-2', rejection('r-2'), T0);
    window.remember('r-3', rejection('r-3'), T0);

    // Assess
    expect([window.get('r-1'), window.get('r-2'), window.get('r-3')]).toEqual([
      undefined,
      rejection('r-2'),
      rejection('r-3'),
    ]);
  });

  it('proves new only an id made after the last journaled command, beyond the clock skew', () => {
    // Prepare
    const window = new RecentRequests({ lastJournaledTime: T0 });

    // Act
    const verdicts = [
      madeAt(T0 + MAX_CLOCK_SKEW_MS + 1),
      madeAt(T0 + MAX_CLOCK_SKEW_MS),
      madeAt(T0 - 60_000),
      'f47ac10b-58cc-4372-a567-0e02b2c3d479',
      'r-1',
    ].map((id) => window.surelyNew(id));

    // Assess
    expect(verdicts).toEqual([true, false, false, false, false]);
  });

  it('proves nothing new when it does not know what the journal held before it', () => {
    expect(new RecentRequests().surelyNew(madeAt(T0 + 3_600_000))).toBe(false);
  });

  it('never proves new an id it has sequenced, even once its reply is forgotten', () => {
    // Prepare
    const window = new RecentRequests({ lastJournaledTime: T0, replies: 1, ids: 10 });
    const id = madeAt(T0 + 60_000);
    window.remember(id, rejection(id), T0 + 60_000);

    // Act
    window.remember('r-2', rejection('r-2'), T0 + 60_001);

    // Assess
    expect(window.get(id)).toBeUndefined();
    expect(window.surelyNew(id)).toBe(false);
  });

  it('moves its coverage past the batch of every id it forgets', () => {
    // Prepare
    const window = new RecentRequests({ lastJournaledTime: T0, replies: 1, ids: 1 });
    const forgotten = madeAt(T0 + 60_000);
    const after = madeAt(T0 + 60_000 + MAX_CLOCK_SKEW_MS + 1, '7000-8000-000000000001');

    // Act
    window.remember(forgotten, rejection(forgotten), T0 + 60_000);
    window.remember('r-2', rejection('r-2'), T0 + 60_000);

    // Assess: the forgotten id may be journaled, so it and anything made as early are looked up
    expect(window.surelyNew(forgotten)).toBe(false);
    expect(window.surelyNew(madeAt(T0 + 60_000 + MAX_CLOCK_SKEW_MS, '7000-8000-000000000002'))).toBe(false);
    expect(window.surelyNew(after)).toBe(true);
  });
});

describe('applyBatch', () => {
  it('applies each command at the next sequence and remembers its reply', () => {
    // Prepare
    const engine = new Engine(registry);
    const window = new RecentRequests();
    const commands = [deposit('d-1', '10', 'inbox-1'), deposit('d-2', '5')].map(readCommand);

    // Act
    const batch = applyBatch(engine, registry, commands, window, new Map(), 7, T0);

    // Assess
    expect(batch.lastSeq).toBe(9);
    expect(batch.entries.map((e) => [e.seq, e.requestId, e.time])).toEqual([
      [8, 'd-1', T0],
      [9, 'd-2', T0],
    ]);
    expect(batch.executed.map((e) => [e.requestId, e.replyTo])).toEqual([
      ['d-1', 'inbox-1'],
      ['d-2', undefined],
    ]);
    expect(batch.replies).toEqual([]);
    expect(window.get('d-1')).toBe(batch.entries[0]?.reply);
    expect(engine.balance('alice', 'USDC')).toEqual({ available: 15_000_000, locked: 0 });
  });

  it('answers a request id the journal or the window holds, and one repeated within the batch, never applying it twice', () => {
    // Prepare
    const engine = new Engine(registry);
    const window = new RecentRequests();
    window.remember('in-window', rejection('in-window'), T0);
    const known = new Map<string, JournaledReply>([['journaled', { seq: 3, reply: rejection('journaled') }]]);
    const commands = [
      deposit('journaled', '1', 'inbox-a'),
      deposit('in-window', '1', 'inbox-b'),
      deposit('twice', '2'),
      deposit('twice', '2', 'inbox-c'),
    ].map(readCommand);

    // Act
    const batch = applyBatch(engine, registry, commands, window, known, 10, T0);

    // Assess
    expect(batch.lastSeq).toBe(11);
    expect(batch.entries.map((e) => e.requestId)).toEqual(['twice']);
    expect(batch.replies).toEqual([
      { reply: rejection('journaled'), replyTo: 'inbox-a' },
      { reply: rejection('in-window'), replyTo: 'inbox-b' },
      { reply: batch.entries[0]?.reply, replyTo: 'inbox-c' },
    ]);
    expect(engine.balance('alice', 'USDC')).toEqual({ available: 2_000_000, locked: 0 });
  });

  it('journals a command the protocol refuses, and answers it as it is', () => {
    // Prepare
    const engine = new Engine(registry);
    const commands = [message({ type: 'NOT_A_COMMAND', requestId: 'x-1', replyTo: 'inbox-1' })].map(
      readCommand,
    );

    // Act
    const batch = applyBatch(engine, registry, commands, new RecentRequests(), new Map(), 0, T0);

    // Assess
    expect(batch.entries).toMatchObject([{ seq: 1, requestId: 'x-1', applied: false }]);
    expect(batch.executed).toEqual([]);
    expect(batch.replies).toMatchObject([
      { reply: { ok: false, code: 'INVALID_COMMAND' }, replyTo: 'inbox-1' },
    ]);
  });
});

describe('deleteFailure', () => {
  it('lets a stale receipt handle and a fault on SQS’s side pass: the message comes back and is answered', () => {
    expect(
      deleteFailure([
        { Id: '0', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'expired' },
        { Id: '1', SenderFault: false, Code: 'InternalError', Message: 'try again' },
      ]),
    ).toBeUndefined();
    expect(deleteFailure([])).toBeUndefined();
  });

  it('stops the loop on any other fault of the sender', () => {
    expect(
      deleteFailure([
        { Id: '0', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'expired' },
        { Id: '1', SenderFault: true, Code: 'AccessDenied', Message: 'not allowed' },
      ])?.message,
    ).toBe('deleting 2 journaled message(s) failed: expired');
  });
});
