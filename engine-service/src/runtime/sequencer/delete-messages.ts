import type { BatchResultErrorEntry, Message } from '@aws-sdk/client-sqs';
import type { QueueClient } from '@exchange/sqs-client';

/** SQS's limit of entries per `DeleteMessageBatch`. */
export const DELETE_BATCH = 10;

/**
 * Deletes journaled messages from `orders.fifo`, {@link DELETE_BATCH} per call, all
 * calls at once.
 * @throws what a call threw, or the error {@link deleteFailure} makes of the entries it refused
 */
export async function deleteMessages(
  queue: QueueClient,
  queueUrl: string,
  messages: readonly Message[],
): Promise<void> {
  const chunks: Message[][] = [];
  for (let i = 0; i < messages.length; i += DELETE_BATCH) chunks.push(messages.slice(i, i + DELETE_BATCH));
  const answers = await Promise.all(
    chunks.map((chunk) =>
      queue.deleteMessageBatch({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    ),
  );
  const failure = deleteFailure(answers.flatMap((a) => a.Failed ?? []));
  if (failure !== undefined) throw failure;
}

/**
 * The error that must stop the sequencer, of the entries a delete refused, if any. A
 * message whose delete failed comes back later and is answered from the journal; so
 * does one whose receipt handle expired because it was handed out again
 * (`ReceiptHandleIsInvalid`), and one SQS failed on its side: only another fault of
 * the sender's stops the loop.
 */
export function deleteFailure(failed: readonly BatchResultErrorEntry[]): Error | undefined {
  if (!failed.some((f) => f.SenderFault === true && f.Code !== 'ReceiptHandleIsInvalid')) return undefined;
  return new Error(`deleting ${failed.length} journaled message(s) failed: ${failed[0]?.Message ?? ''}`);
}
