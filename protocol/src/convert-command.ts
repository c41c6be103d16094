/**
 * Wire command → engine command: validates a command (decimal strings) against its
 * schema and the market's grids and converts it to integers. Pure and exact; shared by
 * the API edge, which refuses a bad order before it is queued, and the engine, which
 * never trusts the queue.
 */
import type { RejectCode } from './codes.js';
import { type Command, commandSchema } from './commands.js';
import { DecimalError, parseOnGrid, parseUnits } from './decimal.js';
import type {
  EngineAmendOrder,
  EngineCancelReplace,
  EngineCommand,
  EngineCreateOrder,
  EngineCreateOrderList,
  EngineOrderListLeg,
} from './engine-commands.js';
import type { Market, MarketRegistry } from './markets.js';
import { DEFAULT_STP, hasLimitPrice, type OrderType, type TimeInForce } from './order-terms.js';
import { isRejection, type Rejection, reject } from './rejection.js';

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

/** An order's time in force: as given (GTC by default) with a limit price, else IOC. */
function timeInForceOf(type: OrderType, given: TimeInForce | undefined): TimeInForce {
  return hasLimitPrice(type) ? (given ?? 'GTC') : 'IOC';
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
      timeInForce: timeInForceOf(leg.orderType, leg.timeInForce),
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
  const price = ticksOf(command.price, market, 'price');
  if (isRejection(price)) return price;
  const quantity = command.quantity === undefined ? 0 : lotsOf(command.quantity, market, 'quantity');
  if (isRejection(quantity)) return quantity;
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
    timeInForce: timeInForceOf(command.orderType, command.timeInForce),
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
