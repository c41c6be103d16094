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
import { RecentRequests } from '../../../src/runtime/sequencer/recent-requests.js';

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
  it('forgets the oldest request id once it holds more than its capacity', () => {
    // Prepare
    const window = new RecentRequests(2);

    // Act
    window.remember('r-1', rejection('r-1'));
    window.remember('r-2', rejection('r-2'));
    window.remember('r-3', rejection('r-3'));

    // Assess
    expect([window.has('r-1'), window.has('r-2'), window.has('r-3')]).toEqual([false, true, true]);
    expect(window.get('r-3')).toEqual(rejection('r-3'));
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
    window.remember('in-window', rejection('in-window'));
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
