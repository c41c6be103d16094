import type { ExecutionResult, Reply } from '@exchange/protocol';

/** One command of a batch the journal has committed, as the publishers take it. */
export interface JournaledCommand {
  /** The command's request id, which its reply carries. */
  readonly requestId: string;
  /** The account that sent the command. */
  readonly accountId: string;
  readonly result: ExecutionResult;
  /** The reply to the sender as journaled, when the caller has it (else built from `result`). */
  readonly reply?: Reply;
  /** The inbox the reply goes to (`replies:{replyTo}`); none: the reply is not published. */
  readonly replyTo?: string;
}

/**
 * A reply published as it is, outside a batch's executed commands: a protocol
 * rejection, or the journaled answer to a redelivered request.
 */
export interface AddressedReply {
  readonly reply: Reply;
  /** The inbox named by the command as received this time; none: not published. */
  readonly replyTo?: string;
}

/** The reply inbox a wire command names (`replyTo`, a non-empty string), if any. */
export function replyToOf(command: unknown): string | undefined {
  const inbox =
    typeof command === 'object' && command !== null ? (command as { replyTo?: unknown }).replyTo : undefined;
  return typeof inbox === 'string' && inbox.length > 0 ? inbox : undefined;
}
