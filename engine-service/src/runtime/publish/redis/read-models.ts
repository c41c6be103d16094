/**
 * The read models: hashes written per changed level, order and asset, with positional
 * JSON values (formats in the protocol's `redis-keys.ts`), each with `seq` = the
 * batch's last sequence.
 */
import {
  balanceField,
  DEPTH_ASK_FIELD,
  DEPTH_BID_FIELD,
  type EngineOrderEvent,
  formatOnGrid,
  LAST_UPDATE_ID_FIELD,
  type Level,
  type OpenOrder,
  openOrderField,
  type RedisKeys,
  SEQ_FIELD,
  toWireEvent,
} from '@exchange/protocol';
import type { ChainableCommander } from 'ioredis';
import type { Engine } from '../../../core/index.js';
import type { Touched } from './batch-touched.js';
import { type MarketStates, requireMarket, type WrittenLevels } from './market-state.js';

/** Writes `depth:{market}`, `balances:{account}` and `orders:{account}` from the engine as it stands. */
export class ReadModels {
  constructor(
    private readonly engine: Engine,
    private readonly keys: RedisKeys,
    private readonly markets: MarketStates,
    /** Levels per side in `depth:{market}`. */
    private readonly depthLevels: number,
  ) {}

  /** Queues the depth, balances and orders hashes of what the batch touched. */
  write(pipeline: ChainableCommander, touched: Touched, seq: number): void {
    for (const [symbol, { depth }] of touched.markets)
      if (depth !== undefined) this.writeDepth(pipeline, symbol, seq);
    for (const [accountId, assets] of touched.balances) {
      const fields: (string | number)[] = [SEQ_FIELD, seq];
      for (const symbol of assets) {
        const b = this.engine.balance(accountId, symbol);
        fields.push(symbol, balanceField(b.available, b.locked));
      }
      pipeline.hset(this.keys.balances(accountId), ...fields);
    }
    for (const [accountId, orderIds] of touched.orders) {
      const key = this.keys.orders(accountId);
      const fields: (string | number)[] = [SEQ_FIELD, seq];
      const ended: string[] = [];
      for (const orderId of orderIds) {
        const order = this.engine.order(orderId);
        if (order !== undefined) fields.push(orderId, openOrderField(this.openOrder(order)));
        else if (!touched.placed.has(orderId)) ended.push(String(orderId));
      }
      pipeline.hset(key, ...fields);
      if (ended.length > 0) pipeline.hdel(key, ...ended);
    }
  }

  /**
   * Brings `depth:{market}` to the engine's best levels: sets the levels that are new
   * or changed since the last write, deletes those that went (or fell below the best
   * {@link depthLevels}), and sets `seq` and `lastUpdateId`.
   */
  writeDepth(pipeline: ChainableCommander, symbol: string, seq: number): void {
    const depth = this.engine.depth(symbol, this.depthLevels);
    if (depth === undefined) return;
    const market = requireMarket(this.engine.registry, symbol);
    const { levels } = this.markets.of(symbol);
    const set: (string | number)[] = [SEQ_FIELD, seq, LAST_UPDATE_ID_FIELD, depth.lastUpdateId];
    const gone: string[] = [];
    const side = (now: readonly Level[], written: WrittenLevels, prefix: string): void => {
      const kept = new Set<number>();
      for (const [price, quantity] of now) {
        kept.add(price);
        if (written.get(price) === quantity) continue;
        written.set(price, quantity);
        set.push(prefix + formatOnGrid(price, market.tick), formatOnGrid(quantity, market.step));
      }
      for (const price of written.keys()) {
        if (kept.has(price)) continue;
        written.delete(price);
        gone.push(prefix + formatOnGrid(price, market.tick));
      }
    };
    side(depth.bids, levels.bids, DEPTH_BID_FIELD);
    side(depth.asks, levels.asks, DEPTH_ASK_FIELD);
    const key = this.keys.depth(symbol);
    pipeline.hset(key, ...set);
    if (gone.length > 0) pipeline.hdel(key, ...gone);
  }

  /** Forgets the levels written to `depth:{market}` (its hash is being replaced). */
  forgetDepth(symbol: string): void {
    const { levels } = this.markets.of(symbol);
    levels.bids.clear();
    levels.asks.clear();
  }

  private openOrder(order: EngineOrderEvent): OpenOrder {
    // The sequence is dropped: a read model's `seq` says which state it reflects. Its
    // time is when the order last changed.
    const wire = toWireEvent(order, 1, order.updatedAt, this.engine.registry);
    if (wire.type !== 'ORDER') throw new Error('an open order must format as an ORDER event');
    const { type: _type, seq: _seq, ...open } = wire;
    return open;
  }
}
