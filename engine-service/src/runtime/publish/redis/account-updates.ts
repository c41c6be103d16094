/**
 * Account updates, only for live subscribers, none lost. The WebSocket registry keeps
 * `ws:accounts` (accounts whose private stream has a subscriber) and raises
 * `ws:accounts:version` in the same Lua script that adds the subscription, before the
 * `SUBSCRIBE` is acknowledged (protocol `ws-keys.ts`). Every batch's first pipeline
 * ends with a `GET` of that version; when it differs from the version last read, the
 * set is read again (`SMEMBERS`), and only then are the batch's account updates
 * chosen. The ordering argument, for a client that subscribes and then trades:
 *
 * 1. the script adds the account and raises the version, atomically, at instant S;
 * 2. the client gets its acknowledgement after S, and only then sends its order;
 * 3. the engine receives the order after that, applies it, journals it, and sends the
 *    batch's first pipeline: its `GET` runs after S, so it reads the raised version;
 * 4. the publisher reads the set (which holds the account) before it chooses, so the
 *    update goes out, after the batch's replies and market data.
 *
 * So every update of a command the engine received after the acknowledgement is
 * published; the fan-out, for its part, delivers every message that follows a
 * `ws:changes` notice with that notice applied (see `fanout.ts`). The choice happens
 * when the batch is sent, not when it is prepared, because preparing runs before the
 * journal commit, possibly before the subscription. An account whose last subscriber
 * left goes out of the set the same way; a stale member (a connection that expired
 * without `$disconnect`) only costs the bytes of its updates.
 */
import { type AccountUpdate, type RedisKeys, type Reply, toReply, type WsKeys } from '@exchange/protocol';
import type { Redis } from 'ioredis';
import type { Engine } from '../../../core/index.js';
import { senderUpdateJson } from '../../reply-json.js';
import type { JournaledCommand } from '../journaled-command.js';
import { sendPipeline } from './pipeline.js';

/** An account update to send if the account has a subscriber when the batch is sent. */
export interface PendingUpdate {
  readonly accountId: string;
  /** Built only when sent. */
  readonly json: () => string;
}

/** Chooses and sends the account updates of the accounts that have a live private subscriber. */
export class AccountUpdates {
  /** Accounts with a live private subscriber, as of {@link listenersVersion}. */
  private listeners = new Set<string>();
  /** The `ws:accounts:version` {@link listeners} was read at; undefined: never read. */
  private listenersVersion: string | null | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly engine: Engine,
    private readonly keys: RedisKeys,
    private readonly ws: WsKeys,
  ) {}

  /** A command's account updates, to send if the account has a subscriber. */
  pendingOf({ requestId, accountId: sender, result }: JournaledCommand, senderReply: Reply): PendingUpdate[] {
    const registry = this.engine.registry;
    const accounts = new Set<string>();
    for (const event of result.events) {
      if (event.type === 'TRADE') accounts.add(event.buyerAccountId).add(event.sellerAccountId);
      else if (event.type !== 'DEPTH') accounts.add(event.accountId);
    }
    // The fee account is the exchange's own: no API key opens its stream (its balances are kept).
    accounts.delete(this.engine.feeAccountId);
    const updates: PendingUpdate[] = [];
    for (const accountId of accounts) {
      if (accountId === sender) {
        if (senderReply.ok) updates.push({ accountId, json: () => senderUpdateJson(senderReply, accountId) });
        continue;
      }
      updates.push({
        accountId,
        json: () => {
          const reply = toReply(requestId, accountId, result, registry);
          if (!reply.ok) throw new Error('a command that touched an account has an accepted reply for it');
          const { orders, fills, balances, withdrawals } = reply;
          const update: AccountUpdate = {
            type: 'ACCOUNT',
            accountId,
            seq: result.seq,
            time: result.time,
            orders,
            fills,
            balances,
            withdrawals,
          };
          return JSON.stringify(update);
        },
      });
    }
    return updates;
  }

  /**
   * Reads `ws:accounts` again if `version` (just read by the batches' pipelines) is
   * not the one last read, then sends, in one pipeline and in order, the updates of
   * the accounts in it.
   * @param batches the batches' pending updates, in sequence order
   * @throws the first error Redis answered
   */
  async send(
    batches: readonly { readonly updates: readonly PendingUpdate[] }[],
    version: string | null,
  ): Promise<void> {
    if (version !== this.listenersVersion) {
      // Read after the version: the set is at least as new as the version recorded.
      this.listeners = new Set(await this.redis.smembers(this.ws.accounts));
      this.listenersVersion = version;
    }
    if (this.listeners.size === 0) return;
    const pipeline = this.redis.pipeline();
    for (const { updates } of batches) {
      for (const { accountId, json } of updates) {
        if (this.listeners.has(accountId)) pipeline.publish(this.keys.accountChannel(accountId), json());
      }
    }
    if (pipeline.length > 0) await sendPipeline(pipeline);
  }
}
