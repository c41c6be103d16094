/**
 * Which records of a batch count as failed, by Lambda's rules for
 * `ReportBatchItemFailures`.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';

/** A batch response naming a record that is not in the batch: Lambda fails the whole batch. */
export class InvalidBatchResponseError extends Error {
  override readonly name = 'InvalidBatchResponseError';
}

/**
 * The ids of the records to leave on the queue for redelivery.
 *
 * - No response, or no `batchItemFailures`: every record succeeded.
 * - An identifier that is empty or not a record of the batch: throws
 *   {@link InvalidBatchResponseError}; the caller fails the whole batch, as Lambda does.
 * - FIFO: a failed record fails every later record of its message group too, even one
 *   the handler reported as done, so a group is never processed out of order. Handlers
 *   that stop at the first failure report those records themselves; this enforces it
 *   for those that do not.
 *
 * @example
 * // records a1, b1, a2 (groups a, b); the handler reports a1
 * failedRecordIds(records, { batchItemFailures: [{ itemIdentifier: 'a1' }] }, true);
 * // → Set { 'a1', 'a2' }
 */
export function failedRecordIds(
  records: readonly SQSRecord[],
  // biome-ignore lint/suspicious/noConfusingVoidType: a Lambda handler may resolve to nothing
  response: SQSBatchResponse | void,
  fifo: boolean,
): Set<string> {
  const reported = new Set<string>();
  const ids = new Set(records.map((record) => record.messageId));
  for (const failure of response?.batchItemFailures ?? []) {
    const id = failure?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) {
      throw new InvalidBatchResponseError(`batchItemFailures names ${JSON.stringify(id)}, not in the batch`);
    }
    reported.add(id);
  }
  if (!fifo) return reported;

  const failed = new Set<string>();
  const failedGroups = new Set<string | undefined>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId;
    if (reported.has(record.messageId) || failedGroups.has(group)) {
      failed.add(record.messageId);
      failedGroups.add(group);
    }
  }
  return failed;
}
