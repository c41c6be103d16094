/**
 * The engine's journal, read by request id: the engine's own record of how it answered
 * each request (`engine_journal`, one row per sequenced command, in the same database
 * as the API's tables). The settlement step reads it to learn the outcome of a command
 * whose reply it missed, rather than guess.
 */
import type { Reply } from '@exchange/protocol';
import { database } from '../db/pool.js';
import type { Queryable } from '../history/queryable.js';

/**
 * The reply the engine gave to `requestId`, or undefined when it has not sequenced it (yet).
 * @example const reply = await journaledReply('settle-42');
 */
export async function journaledReply(
  requestId: string,
  db: Queryable = database(),
): Promise<Reply | undefined> {
  const { rows } = await db.query<{ reply: Reply }>({
    name: 'withdrawals.journaled-reply',
    text: 'SELECT reply FROM engine_journal WHERE request_id = $1',
    values: [requestId],
  });
  return rows[0]?.reply;
}
