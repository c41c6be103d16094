/**
 * The read queries for the API (integration, PostgreSQL) against what the engine
 * itself said: its trade events, its order events, its own rolling ticker.
 */
import { formatTicker, RollingTicker } from '@exchange/engine-service/runtime';
import { createScratchDatabase, type ScratchDatabase } from '@exchange/local-services';
import type { EngineTradeEvent, Fill, OrderEvent, TradeEvent } from '@exchange/protocol';
import { migrateFunctionsDatabase } from '../../src/db/migrate.js';
import { orderById, orderHistory } from '../../src/history/orders.js';
import { ticker24h } from '../../src/history/ticker.js';
import { fills, recentTrades, type TradeRecord, trades } from '../../src/history/trades.js';
import { type EngineStream, engineStream, recordsOf } from '../db-processor/engine-stream.js';
import { processAll } from '../db-processor/tables.js';

let db: ScratchDatabase;
let stream: EngineStream;

beforeAll(async () => {
  db = await createScratchDatabase({ prefix: 'functions_test', migrate: migrateFunctionsDatabase });
  stream = engineStream({ seed: 21, commands: 2_000, maxGapMs: 120_000 });
  await processAll(db.pool, recordsOf(stream.messages));
});
afterAll(() => db.drop());

const asRecord = (t: TradeEvent): TradeRecord => ({
  id: t.tradeId,
  market: t.market,
  price: t.price,
  quantity: t.quantity,
  quoteQuantity: t.quoteQuantity,
  time: t.time,
  isBuyerMaker: t.takerSide === 'SELL',
  buyOrderId: t.buyOrderId,
  sellOrderId: t.sellOrderId,
  seq: t.seq,
});

describe('history queries (integration, PostgreSQL)', () => {
  it('recentTrades gives the newest trades of a market, oldest first', async () => {
    const expected = stream.trades.filter((t) => t.market === 'BTC_USDC').map(asRecord);

    expect(await recentTrades('BTC_USDC', 40, db.pool)).toEqual(expected.slice(-40));
  });

  it('trades gives a time range, or the trades from an id', async () => {
    const sol = stream.trades.filter((t) => t.market === 'SOL_USDC');
    const from = (sol[20] as TradeEvent).time;
    const to = (sol[120] as TradeEvent).time;

    const range = await trades('SOL_USDC', { startTime: from, endTime: to, limit: 1_000 }, db.pool);
    const fromId = await trades('SOL_USDC', { fromId: 10, limit: 5 }, db.pool);

    expect(range).toEqual(sol.filter((t) => t.time >= from && t.time <= to).map(asRecord));
    expect(fromId).toEqual(sol.slice(9, 14).map(asRecord));
  });

  it("fills gives one account's side of its trades, as the engine's replies would", async () => {
    const account = stream.accounts[2] as string;
    const expected: Fill[] = stream.trades.flatMap((t): Fill[] => {
      const m = stream.registry.market(t.market);
      if (m === undefined) return [];
      const sides: Fill[] = [];
      for (const side of ['BUY', 'SELL'] as const) {
        if ((side === 'BUY' ? t.buyerAccountId : t.sellerAccountId) !== account) continue;
        sides.push({
          tradeId: t.tradeId,
          market: t.market,
          orderId: side === 'BUY' ? t.buyOrderId : t.sellOrderId,
          side,
          price: t.price,
          quantity: t.quantity,
          quoteQuantity: t.quoteQuantity,
          fee: side === 'BUY' ? t.buyerFee : t.sellerFee,
          feeAsset: side === 'BUY' ? m.base.symbol : m.quote.symbol,
          isMaker: t.takerSide !== side,
          time: t.time,
        });
      }
      return sides;
    });
    expected.sort((a, b) => a.time - b.time || a.market.localeCompare(b.market) || a.tradeId - b.tradeId);

    const all = await fills(account, { startTime: 0, limit: 1_000 }, db.pool);
    const eth = await fills(account, { market: 'ETH_USDC', limit: 10 }, db.pool);

    expect(expected.length).toBeGreaterThan(20);
    expect(all).toEqual(expected);
    expect(eth).toEqual(expected.filter((f) => f.market === 'ETH_USDC').slice(-10));
    await expect(fills(account, { fromId: 3 }, db.pool)).rejects.toThrow(/needs a market/);
  });

  it("orderHistory gives each of an account's orders in its last state", async () => {
    const account = stream.accounts[0] as string;
    const last = new Map<number, OrderEvent>();
    for (const e of stream.events) if (e.type === 'ORDER' && e.accountId === account) last.set(e.orderId, e);
    const expected = [...last.values()]
      .sort((a, b) => a.orderId - b.orderId)
      .map((e) => ({
        orderId: e.orderId,
        market: e.market,
        accountId: e.accountId,
        clientOrderId: e.clientOrderId,
        side: e.side,
        orderType: e.orderType,
        timeInForce: e.timeInForce,
        postOnly: e.postOnly,
        selfTradePrevention: e.selfTradePrevention,
        price: e.price,
        quantity: e.quantity,
        quoteQuantity: e.quoteQuantity,
        filledQuantity: e.filledQuantity,
        filledQuote: e.filledQuote,
        status: e.status,
        reason: e.reason,
        createdAt: e.createdAt,
        updatedAt: e.time,
        seq: e.seq,
        stopPrice: e.stopPrice ?? null,
        trailingDelta: e.trailingDelta ?? 0,
        workingTime: e.workingTime ?? e.createdAt,
        orderListId: e.orderListId ?? -1,
        listClientOrderId: e.listClientOrderId ?? null,
      }));

    const history = await orderHistory(account, { limit: 1_000 }, db.pool);
    const sol = await orderHistory(account, { market: 'SOL_USDC', fromOrderId: 1, limit: 3 }, db.pool);
    const one = await orderById(account, (expected[5] ?? expected[0])?.orderId ?? 0, db.pool);
    const notMine = await orderById('someone-else', expected[0]?.orderId ?? 0, db.pool);

    expect(expected.length).toBeGreaterThan(20);
    expect(history).toEqual(expected);
    expect(sol).toEqual(expected.filter((o) => o.market === 'SOL_USDC').slice(0, 3));
    expect(one).toEqual(expected[5] ?? expected[0]);
    expect(notMine).toBeUndefined();
  });

  it.each([
    ['at the last trade', 0],
    ['an hour later', 3_600_000],
    ['two days later, with no trade in the window', 2 * 86_400_000],
  ])("ticker24h equals the engine's rolling ticker %s", async (_, later) => {
    const now = stream.lastTime + later;
    for (const symbol of ['SOL_USDC', 'BTC_USDC', 'ETH_USDC']) {
      const market = stream.registry.market(symbol);
      if (market === undefined) throw new Error(symbol);
      const rolling = new RollingTicker();
      for (const { result } of stream.journaled) {
        for (const e of result.events) {
          if (e.type === 'TRADE' && e.market === symbol) rolling.addTrade(e as EngineTradeEvent, result.time);
        }
      }
      const { seq: _seq, ...expected } = formatTicker(market, rolling.stats(now), 0);

      const { seq, ...actual } = (await ticker24h(symbol, now, db.pool)) ?? { seq: -1 };

      expect(actual).toEqual(expected);
      expect(seq).toBe(stream.trades.filter((t) => t.market === symbol).at(-1)?.seq);
    }
  });
});
