/**
 * Engine results → the wire: events, replies and fills in decimal strings, at each
 * market's and asset's scale. Pure and exact; the engine service publishes what these
 * make.
 */
import { REJECT_MESSAGES } from './codes.js';
import { formatOnGrid, formatUnits } from './decimal.js';
import type { EngineEvent, Event, ExecutionResult, Fill, Reply } from './events.js';
import type { Market, MarketRegistry } from './markets.js';
import { stopAndListTerms } from './order-terms.js';

function marketOf(registry: MarketRegistry, symbol: string): Market {
  const market = registry.market(symbol);
  if (market === undefined) throw new Error(`event for unknown market ${symbol}`);
  return market;
}

function decimalsOf(registry: MarketRegistry, symbol: string): number {
  const asset = registry.asset(symbol);
  if (asset === undefined) throw new Error(`event for unknown asset ${symbol}`);
  return asset.decimals;
}

/** Formats one engine event for the wire. */
export function toWireEvent(event: EngineEvent, seq: number, time: number, registry: MarketRegistry): Event {
  // Literals field by field, not `{ ...event }`: spreading the core's event objects
  // was the engine service's most expensive line when publishing.
  switch (event.type) {
    case 'ORDER': {
      const m = marketOf(registry, event.market);
      return {
        type: 'ORDER',
        market: event.market,
        orderId: event.orderId,
        accountId: event.accountId,
        clientOrderId: event.clientOrderId,
        side: event.side,
        orderType: event.orderType,
        timeInForce: event.timeInForce,
        postOnly: event.postOnly,
        selfTradePrevention: event.selfTradePrevention,
        price: event.price > 0 ? formatOnGrid(event.price, m.tick) : null,
        quantity: event.quantity > 0 ? formatOnGrid(event.quantity, m.step) : null,
        quoteQuantity: event.quoteQuantity > 0 ? formatUnits(event.quoteQuantity, m.quote.decimals) : null,
        filledQuantity: formatOnGrid(event.filledQuantity, m.step),
        filledQuote: formatUnits(event.filledQuote, m.quote.decimals),
        status: event.status,
        reason: event.reason,
        createdAt: event.createdAt,
        ...stopAndListTerms(
          event.createdAt,
          event.stopPrice > 0 ? formatOnGrid(event.stopPrice, m.tick) : null,
          event.trailingDelta,
          event.workingTime,
          event.orderListId,
          event.listClientOrderId,
        ),
        seq,
        time,
      };
    }
    case 'TRADE': {
      const m = marketOf(registry, event.market);
      return {
        type: 'TRADE',
        market: event.market,
        tradeId: event.tradeId,
        price: formatOnGrid(event.price, m.tick),
        quantity: formatOnGrid(event.quantity, m.step),
        quoteQuantity: formatUnits(event.quoteQuantity, m.quote.decimals),
        buyOrderId: event.buyOrderId,
        sellOrderId: event.sellOrderId,
        buyerAccountId: event.buyerAccountId,
        sellerAccountId: event.sellerAccountId,
        takerSide: event.takerSide,
        buyerFee: formatUnits(event.buyerFee, m.base.decimals),
        sellerFee: formatUnits(event.sellerFee, m.quote.decimals),
        seq,
        time,
      };
    }
    case 'DEPTH': {
      const m = marketOf(registry, event.market);
      const level = ([p, q]: readonly [number, number]): [string, string] => [
        formatOnGrid(p, m.tick),
        formatOnGrid(q, m.step),
      ];
      return {
        type: 'DEPTH',
        market: event.market,
        updateId: event.updateId,
        bids: event.bids.map(level),
        asks: event.asks.map(level),
        seq,
        time,
      };
    }
    case 'BALANCE': {
      const d = decimalsOf(registry, event.asset);
      return {
        type: 'BALANCE',
        accountId: event.accountId,
        asset: event.asset,
        available: formatUnits(event.available, d),
        locked: formatUnits(event.locked, d),
        availableDelta: formatUnits(event.availableDelta, d),
        lockedDelta: formatUnits(event.lockedDelta, d),
        cause: event.cause,
        seq,
        time,
      };
    }
    case 'WITHDRAWAL':
      return {
        type: 'WITHDRAWAL',
        withdrawalId: event.withdrawalId,
        accountId: event.accountId,
        asset: event.asset,
        amount: formatUnits(event.amount, decimalsOf(registry, event.asset)),
        status: event.status,
        seq,
        time,
      };
  }
}

/** Formats every event of a result for the wire. */
export function toWireEvents(result: ExecutionResult, registry: MarketRegistry): Event[] {
  return result.events.map((e) => toWireEvent(e, result.seq, result.time, registry));
}

/**
 * The reply to the account that sent a command: its own orders, fills and balances
 * only — never the counterparty's.
 */
export function toReply(
  requestId: string,
  accountId: string,
  result: ExecutionResult,
  registry: MarketRegistry,
): Reply {
  const { seq, time } = result;
  if (result.code !== null) {
    const rejected: Reply = {
      ok: false,
      requestId,
      seq,
      time,
      code: result.code,
      message: REJECT_MESSAGES[result.code],
    };
    if (result.cancelReplace !== undefined) rejected.cancelReplace = result.cancelReplace;
    return rejected;
  }
  const reply: Extract<Reply, { ok: true }> = {
    ok: true,
    requestId,
    seq,
    time,
    orders: [],
    fills: [],
    balances: [],
    withdrawals: [],
  };
  if (result.cancelReplace !== undefined) reply.cancelReplace = result.cancelReplace;
  for (const event of result.events) {
    if (event.type === 'TRADE') {
      const fill = toFill(event, accountId, time, registry);
      if (fill !== undefined) reply.fills.push(fill);
      continue;
    }
    if (event.type === 'DEPTH' || event.accountId !== accountId) continue;
    const wire = toWireEvent(event, seq, time, registry);
    if (wire.type === 'ORDER') reply.orders.push(wire);
    else if (wire.type === 'BALANCE') reply.balances.push(wire);
    else if (wire.type === 'WITHDRAWAL') reply.withdrawals.push(wire);
  }
  return reply;
}

function toFill(
  trade: Extract<EngineEvent, { type: 'TRADE' }>,
  accountId: string,
  time: number,
  registry: MarketRegistry,
): Fill | undefined {
  const isBuyer = trade.buyerAccountId === accountId;
  if (!isBuyer && trade.sellerAccountId !== accountId) return undefined;
  const m = marketOf(registry, trade.market);
  const side = isBuyer ? 'BUY' : 'SELL';
  return {
    tradeId: trade.tradeId,
    market: trade.market,
    orderId: isBuyer ? trade.buyOrderId : trade.sellOrderId,
    side,
    price: formatOnGrid(trade.price, m.tick),
    quantity: formatOnGrid(trade.quantity, m.step),
    quoteQuantity: formatUnits(trade.quoteQuantity, m.quote.decimals),
    fee: isBuyer
      ? formatUnits(trade.buyerFee, m.base.decimals)
      : formatUnits(trade.sellerFee, m.quote.decimals),
    feeAsset: isBuyer ? m.base.symbol : m.quote.symbol,
    isMaker: trade.takerSide !== side,
    time,
  };
}
