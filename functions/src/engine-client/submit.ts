/**
 * Sending a command to the engine and answering with its reply: the one path every
 * write endpoint (orders, cancels, on-ramp, withdrawals) takes.
 */
import type { Command, Reply } from '@exchange/protocol';
import { enqueueCommand } from './orders-queue.js';
import { replyInbox, sendAndAwaitReply } from './replies.js';

/** How long an API call waits for the engine's reply before answering 202 (`REPLY_TIMEOUT_MS`). */
export function replyTimeoutMs(): number {
  const value = Number(process.env.REPLY_TIMEOUT_MS || 5000);
  return Number.isFinite(value) && value > 0 ? value : 5000;
}

/** The engine's reply, or `pending` when it did not come within the bound. */
export type Submitted =
  | { readonly status: 'done'; readonly reply: Reply }
  | { readonly status: 'pending'; readonly requestId: string };

/**
 * Enqueues `command` addressed to this instance's reply inbox (`replyTo`) and waits
 * for the engine's reply.
 * @throws when the inbox cannot subscribe (Redis down) or SQS refuses the command:
 *   nothing was enqueued then (the REST shell answers 503)
 * @example
 * const out = await submitCommand({ type: 'DEPOSIT', requestId: newRequestId(), accountId, asset: 'USDC', amount: '100' });
 */
export async function submitCommand(command: Command, timeoutMs = replyTimeoutMs()): Promise<Submitted> {
  const addressed: Command = { ...command, replyTo: await replyInbox() };
  const reply = await sendAndAwaitReply(command.requestId, () => enqueueCommand(addressed), timeoutMs);
  return reply === undefined
    ? { status: 'pending', requestId: command.requestId }
    : { status: 'done', reply };
}
