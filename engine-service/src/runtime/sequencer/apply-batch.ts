import type { MarketRegistry } from '@exchange/protocol';
import type { Engine } from '../../core/index.js';
import { applyWireCommand } from '../journal/apply-command.js';
import type { JournalEntry, JournaledReply } from '../journal/journal.js';
import type { AddressedReply, JournaledCommand } from '../publish/journaled-command.js';
import type { ReceivedCommand } from './read-command.js';
import type { RecentRequests } from './recent-requests.js';

/** What applying one batch produced, for its append and its publication. */
export interface AppliedBatch {
  /** The journal's rows, one per command that consumed a sequence. */
  readonly entries: JournalEntry[];
  /** Commands the engine executed, in sequence order. */
  readonly executed: JournaledCommand[];
  /** Replies published as they are: protocol rejections and answers to redelivered requests. */
  readonly replies: AddressedReply[];
  /** The last sequence consumed (the one before the batch when none was). */
  readonly lastSeq: number;
}

/**
 * Applies a batch's commands to the engine in order, each at the next sequence after
 * `lastSeq` and at `time`. A request id the window or the journal (`known`) already
 * holds is answered with its earlier reply and never applied; every applied one is
 * remembered in the window, so a repeat later in the same batch is answered too.
 */
export function applyBatch(
  engine: Engine,
  registry: MarketRegistry,
  commands: readonly ReceivedCommand[],
  recent: RecentRequests,
  known: ReadonlyMap<string, JournaledReply>,
  lastSeq: number,
  time: number,
): AppliedBatch {
  let seq = lastSeq;
  const entries: JournalEntry[] = [];
  const executed: JournaledCommand[] = [];
  const replies: AddressedReply[] = [];
  for (const { requestId, replyTo, wire } of commands) {
    const earlier = recent.get(requestId) ?? known.get(requestId)?.reply;
    if (earlier !== undefined) {
      // Redelivered, or sent twice: answer again (to the inbox named this time), apply never.
      replies.push({ reply: earlier, replyTo });
      continue;
    }
    seq += 1;
    const done = applyWireCommand(engine, registry, wire, seq, time, requestId);
    entries.push(done.entry);
    recent.remember(requestId, done.entry.reply, time);
    if (done.result === null) replies.push({ reply: done.entry.reply, replyTo });
    else
      executed.push({
        requestId,
        accountId: done.entry.accountId as string,
        result: done.result,
        reply: done.entry.reply,
        replyTo,
      });
  }
  return { entries, executed, replies, lastSeq: seq };
}
