import {
  type ExecutionResult,
  isRejection,
  type MarketRegistry,
  type Reply,
  reject,
  toEngineCommand,
  toReply,
} from '@exchange/protocol';
import type { Engine } from '../../core/index.js';
import type { JournalEntry } from './journal.js';

/** One wire command sequenced: what to journal, and what the engine did (for publishing). */
export interface AppliedCommand {
  readonly entry: JournalEntry;
  /** The engine's result, or `null` when the protocol refused the command before the engine. */
  readonly result: ExecutionResult | null;
}

/**
 * Sequences one wire command as received: converts it (`toEngineCommand`), executes
 * it at `seq` and `time`, and builds its journal entry and reply.
 *
 * A command the protocol refuses still consumes `seq` — the journal has no gaps and
 * the rejecting reply names the seq — but the engine never sees it: it is journaled
 * with `applied = false` and a rejecting reply, and replay skips it on that flag.
 *
 * @param fallbackRequestId the request id to use when the command carries none
 *   (a malformed message), e.g. the queue message's deduplication id
 * @example
 * const { entry, result } = applyWireCommand(engine, registry, JSON.parse(body), seq, Date.now());
 */
export function applyWireCommand(
  engine: Engine,
  registry: MarketRegistry,
  wire: unknown,
  seq: number,
  time: number,
  fallbackRequestId?: string,
): AppliedCommand {
  // PostgreSQL text and jsonb cannot hold NUL: such a command would fail its batch's
  // append on every redelivery. It is refused, and journaled with NUL replaced.
  const hasNul = containsNul(wire);
  const received = hasNul ? withoutNul(wire) : wire;
  const requestId = stringField(received, 'requestId') ?? fallbackRequestId;
  if (requestId === undefined) throw new Error('a command without a request id needs a fallback request id');
  const accountId = stringField(received, 'accountId') ?? null;
  const command = hasNul
    ? reject('INVALID_COMMAND', 'NUL characters are not allowed.')
    : toEngineCommand(wire, registry);
  if (isRejection(command)) {
    const reply: Reply = { ok: false, requestId, seq, time, code: command.code, message: command.message };
    return {
      entry: { seq, requestId, accountId, time, applied: false, command: received, reply },
      result: null,
    };
  }
  const result = engine.execute(command, seq, time);
  const reply = toReply(requestId, command.accountId, result, registry);
  return {
    entry: { seq, requestId, accountId: command.accountId, time, applied: true, command: wire, reply },
    result,
  };
}

function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null) return false;
  for (const [key, item] of Object.entries(value))
    if (key.includes('\u0000') || containsNul(item)) return true;
  return false;
}

/**
 * `text` as PostgreSQL can store it: each NUL replaced by U+FFFD. The sequencer reads
 * request ids through it too, so a poisoned id is looked up, journaled and answered
 * under the same name.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '\ufffd');
}

function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(withoutNul);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replaceAll('\u0000', '\ufffd'), withoutNul(v)]),
  );
}
