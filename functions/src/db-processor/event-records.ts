/**
 * The body of one `events.fifo` record: a JSON array of wire events (see the engine's
 * `EventsQueuePublisher`). Parsing is all-or-nothing per record: a record is written
 * whole or not at all.
 */
import { type Event, eventSchema } from '@exchange/protocol';
import { z } from 'zod';

const recordBodySchema = z.array(eventSchema);

/** A record whose body is not a JSON array of known engine events. Retrying cannot fix it. */
export class InvalidEventsRecordError extends Error {
  override readonly name = 'InvalidEventsRecordError';
}

/**
 * The events of one record, validated by the protocol's zod schemas.
 * @throws InvalidEventsRecordError for a body that is not JSON, not an array, or holds
 *   an event of an unknown type or with a bad field
 * @example
 * parseEventsRecord('[{"type":"BALANCE","seq":7,…}]'); // [{ type: 'BALANCE', seq: 7, … }]
 */
export function parseEventsRecord(body: string): Event[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InvalidEventsRecordError('body is not JSON', { cause: error });
  }
  const parsed = recordBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new InvalidEventsRecordError(
      `not a list of engine events${where}: ${issue?.message ?? 'invalid'}`,
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}
