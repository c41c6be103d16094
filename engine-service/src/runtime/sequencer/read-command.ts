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
  return { requestId, replyTo: replyToOf(wire), wire };
}
