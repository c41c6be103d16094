import type { Message } from '@aws-sdk/client-sqs';
import { storableText } from '../journal/apply-command.js';
import { replyToOf } from '../publish/journaled-command.js';

/** A queue message as the sequencer applies it. */
export interface ReceivedCommand {
  readonly requestId: string;
  /** The inbox its reply goes to, if the command names one. */
  readonly replyTo: string | undefined;
  /** The body parsed, or the body itself when it is not JSON. */
  readonly wire: unknown;
  /**
   * Whether its request id may already be in the journal, so that it must be looked
   * up there before it is applied (see {@link mayBeJournaled}).
   */
  readonly mayBeJournaled: boolean;
}

/**
 * Commands whose producers never send a request id twice: the API makes a new one for
 * every call, and its own retries of a send repeat the deduplication id within
 * seconds, which SQS drops. Deposits and withdrawals are left out: the on-ramp and the
 * withdrawal settlement send a command again under the same request id when they
 * cannot tell whether it was journaled, possibly after SQS's five-minute window.
 */
const NEW_ID_PER_SEND = new Set([
  'CREATE_ORDER',
  'CANCEL_ORDER',
  'CANCEL_ALL',
  'AMEND_ORDER',
  'CANCEL_REPLACE',
  'CREATE_ORDER_LIST',
  'CANCEL_ORDER_LIST',
]);

/**
 * Whether a message's command may already be journaled. A first delivery
 * (`ApproximateReceiveCount` 1) of a command whose producer never repeats a request id
 * cannot be: a journaled command's message was received before (an engine that
 * journaled it and died before deleting it, or a deposed one, had it delivered), so
 * its next delivery counts 2 or more. Without the count (a server that does not
 * report it), every command is looked up.
 */
export function mayBeJournaled(message: Message, wire: unknown): boolean {
  if (message.Attributes?.ApproximateReceiveCount !== '1') return true;
  const type = typeof wire === 'object' && wire !== null ? (wire as { type?: unknown }).type : undefined;
  return typeof type !== 'string' || !NEW_ID_PER_SEND.has(type);
}

/**
 * A queue message as a wire command with its request id (the deduplication id if the
 * body has none) and the inbox its reply goes to, if it names one.
 */
export function readCommand(message: Message): ReceivedCommand {
  let wire: unknown;
  try {
    wire = JSON.parse(message.Body ?? '');
  } catch {
    wire = message.Body ?? null;
  }
  const fromBody =
    typeof wire === 'object' && wire !== null ? (wire as { requestId?: unknown }).requestId : undefined;
  // A NUL would fail the journal lookup of the whole batch on every redelivery: the
  // id is read as the journal stores it, and the command is refused (`apply-command.ts`).
  const requestId =
    typeof fromBody === 'string' && fromBody.length > 0
      ? storableText(fromBody)
      : (message.Attributes?.MessageDeduplicationId ?? message.MessageId ?? 'unknown');
  return { requestId, replyTo: replyToOf(wire), wire, mayBeJournaled: mayBeJournaled(message, wire) };
}
