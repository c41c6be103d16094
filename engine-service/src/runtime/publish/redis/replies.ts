/** Replies on `replies:{inbox}`: each command's to its sender, then the ones published as they are. */
import { type MarketRegistry, type RedisKeys, type Reply, toReply } from '@exchange/protocol';
import type { ChainableCommander } from 'ioredis';
import { replyJson } from '../../reply-json.js';
import type { AddressedReply, JournaledCommand } from '../journaled-command.js';

/** Each command's reply to its sender, built once: it is also the sender's account update. */
export function senderReplies(batch: readonly JournaledCommand[], registry: MarketRegistry): Reply[] {
  return batch.map(
    ({ requestId, accountId, result, reply }) => reply ?? toReply(requestId, accountId, result, registry),
  );
}

/**
 * Queues one reply per command that names an inbox, in order, then the extra replies
 * (rejections, redeliveries) that name one.
 */
export function publishReplies(
  pipeline: ChainableCommander,
  keys: RedisKeys,
  batch: readonly JournaledCommand[],
  sendersReplies: readonly Reply[],
  replies: readonly AddressedReply[],
): void {
  batch.forEach(({ replyTo }, i) => {
    if (replyTo !== undefined) pipeline.publish(keys.replies(replyTo), replyJson(sendersReplies[i] as Reply));
  });
  for (const { reply, replyTo } of replies) {
    if (replyTo !== undefined) pipeline.publish(keys.replies(replyTo), replyJson(reply));
  }
}
