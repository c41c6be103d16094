/**
 * The bridge between the wire form (decimal strings) and the engine form (integers)
 * of commands, events and replies. Pure and exact; shared by the API edge, which
 * refuses a bad order before it is queued, and the engine, which never trusts the queue.
 */
import { REJECT_MESSAGES, type RejectCode } from './codes.js';
import {
  type Command,
  commandSchema,
  DEFAULT_STP,
  type EngineAmendOrder,
  type EngineCancelReplace,
  type EngineCommand,
  type EngineCreateOrder,
  type EngineCreateOrderList,
  type EngineOrderListLeg,
  hasLimitPrice,
} from './commands.js';
import { DecimalError, formatOnGrid, formatUnits, parseOnGrid, parseUnits } from './decimal.js';
import type { EngineEvent, Event, ExecutionResult, Fill, Reply } from './events.js';
import type { Market, MarketRegistry } from './markets.js';

/** A command refused before it reaches the engine core. */
export interface Rejection {
  readonly code: RejectCode;
  readonly message: string;
}

export function reject(code: RejectCode, detail?: string): Rejection {
  return {
    code,
    message: detail === undefined ? REJECT_MESSAGES[code] : `${REJECT_MESSAGES[code]} ${detail}`,
  };
}

export function isRejection(value: unknown): value is Rejection {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}

/**
 * Parses a decimal field, turning a {@link DecimalError} into a rejection: `code`,
 * or `tooLarge` when the value is out of range.
 */
function field<T>(
  code: RejectCode,
  name: string,
  parse: () => T,
  tooLarge: RejectCode = code,
): T | Rejection {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DecimalError) {
      return reject(error.kind === 'OUT_OF_RANGE' ? tooLarge : code, `${name}: ${error.message}.`);
    }
    throw error;
  }
}

/**
 * Validates a wire command (any JSON value) and converts it to integers.
 * @returns the engine command, or a {@link Rejection} with a stable code
 */
export function toEngineCommand(input: unknown, registry: MarketRegistry): EngineCommand | Rejection {
  const parsed = commandSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return reject('INVALID_COMMAND', `${where}${issue?.message ?? 'invalid'}`);
  }
  const command: Command = parsed.data;
  switch (command.type) {
    case 'CREATE_ORDER':
      return toCreateOrder(command, registry);
    case 'CANCEL_ORDER': {
      if (registry.market(command.market) === undefined) return reject('UNKNOWN_MARKET');
      return {
        type: 'CANCEL_ORDER',
        accountId: command.accountId,
        market: command.market,
        orderId: command.orderId ?? null,
        clientOrderId: command.clientOrderId ?? null,
      };
    }
    case 'CANCEL_ALL':
      if (registry.market(command.market) === undefined) return reject('UNKNOWN_MARKET');
      return { type: 'CANCEL_ALL', accountId: command.accountId, market: command.market };
    case 'DEPOSIT':
    case 'WITHDRAW': {
      const asset = registry.asset(command.asset);
      if (asset === undefined) return reject('UNKNOWN_ASSET');
      const amount = field('AMOUNT_OUT_OF_RANGE', 'amount', () => parseUnits(command.amount, asset.decimals));
      if (isRejection(amount)) return amount;
      if (amount === 0) return reject('AMOUNT_OUT_OF_RANGE', 'amount: must be positive.');
      return { type: command.type, accountId: command.accountId, asset: asset.symbol, amount };
    }
    case 'SETTLE_WITHDRAWAL':
      return {
        type: 'SETTLE_WITHDRAWAL',
        accountId: command.accountId,
        withdrawalId: command.withdrawalId,
        outcome: command.outcome,
      };
    case 'AMEND_ORDER':
      return toAmendOrder(command, registry);
    case 'CANCEL_REPLACE':
      return toCancelReplace(command, registry);
    case 'CREATE_ORDER_LIST':
      return toCreateOrderList(command, registry);
    case 'CANCEL_ORDER_LIST':
      if (registry.market(command.market) === undefined) return reject('UNKNOWN_MARKET');
      return {
        type: 'CANCEL_ORDER_LIST',
        accountId: command.accountId,
        market: command.market,
        orderListId: command.orderListId ?? null,
        listClientOrderId: command.listClientOrderId ?? null,
      };
  }
}

/** A price on the market's tick grid, 0 when absent. */
function ticksOf(value: string | undefined, market: Market, name: string): number | Rejection {
  return value === undefined ? 0 : field('PRICE_FILTER', name, () => parseOnGrid(value, market.tick));
}

/** A positive quantity on the market's step grid. */
function lotsOf(value: string, market: Market, name: string): number | Rejection {
  const lots = field('LOT_SIZE', name, () => parseOnGrid(value, market.step));
  if (isRejection(lots)) return lots;
  // In the engine form 0 means "not given", so a given zero is refused here.
  return lots === 0 ? reject('LOT_SIZE', `${name}: must be positive.`) : lots;
}

function toAmendOrder(
  command: Extract<Command, { type: 'AMEND_ORDER' }>,
  registry: MarketRegistry,
): EngineAmendOrder | Rejection {
  const market = registry.market(command.market);
  if (market === undefined) return reject('UNKNOWN_MARKET');
  const quantity = lotsOf(command.quantity, market, 'quantity');
  if (isRejection(quantity)) return quantity;
  return {
    type: 'AMEND_ORDER',
    accountId: command.accountId,
    market: market.symbol,
    orderId: command.orderId ?? null,
    clientOrderId: command.clientOrderId ?? null,
    quantity,
    newClientOrderId: command.newClientOrderId ?? null,
  };
}

function toCancelReplace(
  command: Extract<Command, { type: 'CANCEL_REPLACE' }>,
  registry: MarketRegistry,
): EngineCancelReplace | Rejection {
  const { mode, cancelOrderId, cancelClientOrderId, ...order } = command;
  const create = toCreateOrder({ ...order, type: 'CREATE_ORDER' }, registry);
  if (isRejection(create)) return create;
  return {
    type: 'CANCEL_REPLACE',
    accountId: command.accountId,
    mode,
    cancel: {
      type: 'CANCEL_ORDER',
      accountId: command.accountId,
      market: create.market,
      orderId: cancelOrderId ?? null,
      clientOrderId: cancelClientOrderId ?? null,
    },
    order: create,
  };
}

function toCreateOrderList(
  command: Extract<Command, { type: 'CREATE_ORDER_LIST' }>,
  registry: MarketRegistry,
): EngineCreateOrderList | Rejection {
  const market = registry.market(command.market);
  if (market === undefined) return reject('UNKNOWN_MARKET');
  const quantity = lotsOf(command.quantity, market, 'quantity');
  if (isRejection(quantity)) return quantity;
  const legs: EngineOrderListLeg[] = [];
  for (const [name, leg] of [
    ['above', command.above],
    ['below', command.below],
  ] as const) {
    const price = ticksOf(leg.price, market, `${name}.price`);
    if (isRejection(price)) return price;
    const stopPrice = ticksOf(leg.stopPrice, market, `${name}.stopPrice`);
    if (isRejection(stopPrice)) return stopPrice;
    legs.push({
      orderType: leg.orderType,
      postOnly: leg.postOnly ?? false,
      timeInForce: hasLimitPrice(leg.orderType) ? (leg.timeInForce ?? 'GTC') : 'IOC',
      price,
      stopPrice,
      trailingDelta: leg.trailingDelta ?? 0,
      clientOrderId: leg.clientOrderId ?? null,
    });
  }
  return {
    type: 'CREATE_ORDER_LIST',
    accountId: command.accountId,
    market: market.symbol,
    side: command.side,
    quantity,
    listClientOrderId: command.listClientOrderId ?? null,
    selfTradePrevention: command.selfTradePrevention ?? DEFAULT_STP,
    above: legs[0] as EngineOrderListLeg,
    below: legs[1] as EngineOrderListLeg,
  };
}

function toCreateOrder(
  command: Extract<Command, { type: 'CREATE_ORDER' }>,
  registry: MarketRegistry,
): EngineCreateOrder | Rejection {
  const market = registry.market(command.market);
  if (market === undefined) return reject('UNKNOWN_MARKET');
  const price =
    command.price === undefined
      ? 0
      : field('PRICE_FILTER', 'price', () => parseOnGrid(command.price, market.tick));
  if (isRejection(price)) return price;
  const quantity =
    command.quantity === undefined
      ? 0
      : field('LOT_SIZE', 'quantity', () => parseOnGrid(command.quantity, market.step));
  if (isRejection(quantity)) return quantity;
  // In the engine form 0 means "not given", so a given zero is refused here.
  if (command.quantity !== undefined && quantity === 0)
    return reject('LOT_SIZE', 'quantity: must be positive.');
  const quoteQuantity =
    command.quoteQuantity === undefined
      ? 0
      : field(
          'INVALID_ORDER',
          'quoteQuantity',
          () => parseUnits(command.quoteQuantity, market.quote.decimals),
          'MAX_NOTIONAL',
        );
  if (isRejection(quoteQuantity)) return quoteQuantity;
  if (command.quoteQuantity !== undefined && quoteQuantity === 0) {
    return reject('MIN_NOTIONAL', 'quoteQuantity: must be positive.');
  }
  const stopPrice = ticksOf(command.stopPrice, market, 'stopPrice');
  if (isRejection(stopPrice)) return stopPrice;
  if (command.stopPrice !== undefined && stopPrice === 0)
    return reject('PRICE_FILTER', 'stopPrice: must be positive.');
  return {
    type: 'CREATE_ORDER',
    accountId: command.accountId,
    market: market.symbol,
    side: command.side,
    orderType: command.orderType,
    timeInForce: hasLimitPrice(command.orderType) ? (command.timeInForce ?? 'GTC') : 'IOC',
    postOnly: command.postOnly ?? false,
    price,
    quantity,
    quoteQuantity,
    clientOrderId: command.clientOrderId ?? null,
    selfTradePrevention: command.selfTradePrevention ?? DEFAULT_STP,
    stopPrice,
    trailingDelta: command.trailingDelta ?? 0,
  };
}

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
        stopPrice: event.stopPrice > 0 ? formatOnGrid(event.stopPrice, m.tick) : null,
        trailingDelta: event.trailingDelta,
        workingTime: event.workingTime,
        orderListId: event.orderListId,
        listClientOrderId: event.listClientOrderId,
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
