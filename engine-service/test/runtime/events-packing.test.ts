/**
 * Unit tests of `packMessages`: the batches one `events.fifo` publication carries,
 * packed per message group.
 */
import { type EventsMessage, packMessages } from '../../src/runtime/publish/events-queue-publisher.js';

/** A message of `groupId` for commands `first`…`last`, one stand-in event each. */
function message(groupId: string, first: number, last: number, part?: number): EventsMessage {
  const events = Array.from({ length: last - first + 1 }, (_, i) => ({ seq: first + i }));
  const range = `${first}-${last}`;
  const body = JSON.stringify(events);
  return {
    groupId,
    deduplicationId: part === undefined ? range : `${range}.${part}`,
    body,
    bytes: Buffer.byteLength(body),
    first,
    last,
    ...(part === undefined ? {} : { part }),
  };
}

const seqsOf = (m: EventsMessage): number[] => (JSON.parse(m.body) as { seq: number }[]).map((e) => e.seq);

describe('packMessages', () => {
  it('joins each group’s messages of consecutive batches into one, in order, named by its range', () => {
    // Prepare: three batches, two groups interleaved
    const messages = [
      message('market:A', 1, 2),
      message('account:x', 3, 3),
      message('market:A', 4, 6),
      message('market:A', 7, 7),
      message('account:x', 8, 9),
    ];

    // Act
    const packed = packMessages(messages);

    // Assess
    expect(packed.map((m) => [m.groupId, m.deduplicationId, m.first, m.last])).toEqual([
      ['market:A', '1-7', 1, 7],
      ['account:x', '3-9', 3, 9],
    ]);
    expect(packed.map(seqsOf)).toEqual([
      [1, 2, 4, 5, 6, 7],
      [3, 8, 9],
    ]);
  });

  it('starts a new message where the body would pass the limit, and leaves split parts as they are', () => {
    // Prepare: bodies of 21 bytes ("[{"seq":1},{"seq":2}]"), a limit of 32, and a split message
    const messages = [
      message('market:A', 1, 2),
      message('market:A', 3, 3),
      message('market:A', 4, 5),
      message('market:A', 6, 9, 0),
      message('market:A', 6, 9, 1),
      message('market:A', 10, 10),
    ];

    // Act
    const packed = packMessages(messages, 32);

    // Assess
    expect(packed.map((m) => m.deduplicationId)).toEqual(['1-3', '4-5', '6-9.0', '6-9.1', '10-10']);
    expect(packed.filter((m) => m.part === undefined).every((m) => Buffer.byteLength(m.body) <= 32)).toBe(
      true,
    );
    expect(packed.every((m) => m.bytes === Buffer.byteLength(m.body))).toBe(true);
    expect(packed.flatMap(seqsOf)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 6, 7, 8, 9, 10]);
  });
});
