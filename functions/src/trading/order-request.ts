/**
 * An order as either face asks for it, turned into the wire `CREATE_ORDER` command —
 * checked against the market's filters first, so bad input never reaches the engine.
 * Pure: no I/O, no clock (the request id comes in).
 */
import {
  type CancelReplaceMode,
  type Command,
  type CreateOrderCommand,
  hasLimitPrice,
  isRejection,
  type Market,
  type OrderType,
  type SelfTradePrevention,
  type Side,
  type TimeInForce,
  toEngineCommand,
} from '@exchange/protocol';
import { ApiError, rejectionError } from '../http/api.js';
import { marketRegistry } from '../markets.js';

/** What an order endpoint hands over, in the native vocabulary. */
export interface OrderRequest {
  readonly market: Market;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce?: TimeInForce | undefined;
  readonly postOnly?: boolean | undefined;
  readonly price?: string | undefined;
  readonly quantity?: string | undefined;
  readonly quoteQuantity?: string | undefined;
  readonly clientOrderId?: string | undefined;
  readonly selfTradePrevention?: SelfTradePrevention | undefined;
  /** Stop and take-profit types: the trigger price, and/or `trailingDelta` (basis points). */
  readonly stopPrice?: string | undefined;
  readonly trailingDelta?: number | undefined;
}

/** Which parameter a filter failure names, per face (`quantity` vs Binance's `quoteOrderQty`). */
export interface OrderFieldNames {
  readonly price: string;
  readonly quantity: string;
  readonly quoteQuantity: string;
  /** `stopPrice` and `trailingDelta` unless given (an OCO leg's are `aboveStopPrice` …). */
  readonly stopPrice?: string;
  readonly trailingDelta?: string;
}

const NATIVE_FIELDS: OrderFieldNames = {
  price: 'price',
  quantity: 'quantity',
  quoteQuantity: 'quoteQuantity',
};

/**
 * The `CREATE_ORDER` command for `request`, validated by `toEngineCommand` (grids,
 * shape) and by the market's price, quantity and notional limits.
 * @throws ApiError the rejection as the API answers it (`PRICE_FILTER`, `LOT_SIZE`,
 *   `MIN_NOTIONAL`, `INVALID_COMMAND` …), naming the field at fault
 * @example
 * const command = toCreateOrderCommand(accountId, newRequestId(), { market, side: 'BUY', orderType: 'LIMIT', price: '100', quantity: '1' });
 */
export function toCreateOrderCommand(
  accountId: string,
  requestId: string,
  request: OrderRequest,
  fields: OrderFieldNames = NATIVE_FIELDS,
): CreateOrderCommand {
  const command: CreateOrderCommand = {
    type: 'CREATE_ORDER',
    requestId,
    accountId,
    market: request.market.symbol,
    side: request.side,
    orderType: request.orderType,
    ...defined('timeInForce', request.timeInForce),
    ...defined('postOnly', request.postOnly),
    ...defined('price', request.price),
    ...defined('quantity', request.quantity),
    ...defined('quoteQuantity', request.quoteQuantity),
    ...defined('clientOrderId', request.clientOrderId),
    ...defined('selfTradePrevention', request.selfTradePrevention),
    ...defined('stopPrice', request.stopPrice),
    ...defined('trailingDelta', request.trailingDelta),
  };
  checkOrder(command, request.market, fields);
  return command;
}

/**
 * The engine form of one order must pass the market's filters as the engine form sees
 * them (grids, shape), then the maxima, the trailing range and a priced order's notional.
 */
function checkOrder(command: CreateOrderCommand, m: Market, fields: OrderFieldNames): void {
  const engine = toEngineCommand(command, marketRegistry());
  if (isRejection(engine))
    throw rejectionError(engine.code, {
      field: fieldOf(engine.message, fields),
      detail: detailOf(engine.message),
    });
  if (engine.type !== 'CREATE_ORDER') throw new Error('toEngineCommand changed the command type');
  const priced = hasLimitPrice(engine.orderType);
  if (priced && engine.price === 0) {
    throw rejectionError('PRICE_FILTER', { field: fields.price, detail: 'must be positive' });
  }
  for (const [ticks, field] of [
    [engine.price, fields.price],
    [engine.stopPrice ?? 0, fields.stopPrice ?? 'stopPrice'],
  ] as const) {
    if (ticks > m.maxPriceTicks) {
      throw rejectionError('PRICE_FILTER', { field, detail: `above the maximum ${m.config.maxPrice}` });
    }
  }
  const delta = engine.trailingDelta ?? 0;
  if (delta !== 0 && (delta < m.minTrailingDelta || delta > m.maxTrailingDelta)) {
    throw rejectionError('TRAILING_DELTA', {
      field: fields.trailingDelta ?? 'trailingDelta',
      detail: `outside ${m.minTrailingDelta}–${m.maxTrailingDelta}`,
    });
  }
  if (engine.quantity > m.maxQuantityLots) {
    throw rejectionError('LOT_SIZE', {
      field: fields.quantity,
      detail: `above the maximum ${m.config.maxQuantity}`,
    });
  }
  // A priced order's value is known here; a market-type order's only once it fills.
  const notional = priced
    ? BigInt(engine.price) * BigInt(engine.quantity) * BigInt(m.quotePerTickLot)
    : BigInt(engine.quoteQuantity);
  if ((priced || engine.quoteQuantity > 0) && notional < BigInt(m.minNotional)) {
    throw rejectionError('MIN_NOTIONAL', { detail: `below the minimum ${m.config.minNotional}` });
  }
}

/**
 * The `CANCEL_ORDER` command for one order, by engine id or client order id.
 * @throws ApiError BAD_PARAMETER when neither or both ids are given
 */
export function toCancelOrderCommand(
  accountId: string,
  requestId: string,
  market: Market,
  id: OrderIdRef,
  fields: RefFieldNames = NATIVE_REF,
): Command {
  checkRef(id, fields);
  return {
    type: 'CANCEL_ORDER',
    requestId,
    accountId,
    market: market.symbol,
    ...defined('orderId', id.orderId),
    ...defined('clientOrderId', id.clientOrderId),
  };
}

/** An order's identity for cancel and amend: the engine's id or the client's. */
export interface OrderIdRef {
  readonly orderId?: number | undefined;
  readonly clientOrderId?: string | undefined;
}

/** The parameter names of an {@link OrderIdRef} on a face. */
export interface RefFieldNames {
  readonly orderId: string;
  readonly clientOrderId: string;
}

const NATIVE_REF: RefFieldNames = { orderId: 'orderId', clientOrderId: 'clientOrderId' };

/** Exactly one of the two ids, the engine id positive. */
function checkRef(id: OrderIdRef, fields: RefFieldNames): void {
  if (id.orderId === undefined && id.clientOrderId === undefined) {
    throw new ApiError('MISSING_PARAMETER', { field: fields.orderId });
  }
  if (id.orderId !== undefined && id.clientOrderId !== undefined) {
    throw new ApiError('PARAMETER_NOT_REQUIRED', {
      field: fields.clientOrderId,
      detail: `give ${fields.orderId} or ${fields.clientOrderId}, not both`,
    });
  }
  if (id.orderId === 0) throw new ApiError('BAD_PARAMETER', { field: fields.orderId });
}

/** A wire command the engine form accepts, else the rejection as the API answers it. */
function checked<C extends Command>(command: C, fields: OrderFieldNames = NATIVE_FIELDS): C {
  const engine = toEngineCommand(command, marketRegistry());
  if (isRejection(engine))
    throw rejectionError(engine.code, {
      field: fieldOf(engine.message, fields),
      detail: detailOf(engine.message),
    });
  return command;
}

/**
 * The `AMEND_ORDER` command: reduce an open order to `quantity`, keeping its priority.
 * @throws ApiError LOT_SIZE off the grid, MISSING_PARAMETER without an id
 */
export function toAmendOrderCommand(
  accountId: string,
  requestId: string,
  market: Market,
  id: OrderIdRef,
  change: { readonly quantity: string; readonly newClientOrderId?: string | undefined },
  fields: RefFieldNames & { readonly quantity: string } = { ...NATIVE_REF, quantity: 'quantity' },
): Command {
  checkRef(id, fields);
  return checked(
    {
      type: 'AMEND_ORDER',
      requestId,
      accountId,
      market: market.symbol,
      ...defined('orderId', id.orderId),
      ...defined('clientOrderId', id.clientOrderId),
      quantity: change.quantity,
      ...defined('newClientOrderId', change.newClientOrderId),
    },
    { ...NATIVE_FIELDS, quantity: fields.quantity },
  );
}

/**
 * The `CANCEL_REPLACE` command: cancel the order `cancel` names and place `request`, as one.
 * The new order is checked as {@link toCreateOrderCommand} checks it.
 */
export function toCancelReplaceCommand(
  accountId: string,
  requestId: string,
  mode: CancelReplaceMode,
  cancel: OrderIdRef,
  request: OrderRequest,
  fields: OrderFieldNames = NATIVE_FIELDS,
  refFields: RefFieldNames = { orderId: 'cancelOrderId', clientOrderId: 'cancelClientOrderId' },
): Command {
  checkRef(cancel, refFields);
  const { type: _, ...order } = toCreateOrderCommand(accountId, requestId, request, fields);
  return checked(
    {
      ...order,
      type: 'CANCEL_REPLACE',
      mode,
      ...defined('cancelOrderId', cancel.orderId),
      ...defined('cancelClientOrderId', cancel.clientOrderId),
    },
    fields,
  );
}

/** One leg of an OCO list as a face asks for it: an order's terms without market, side and size. */
export type OrderListLegRequest = Pick<
  OrderRequest,
  'orderType' | 'postOnly' | 'timeInForce' | 'price' | 'stopPrice' | 'trailingDelta' | 'clientOrderId'
>;

/** An OCO list: one side and quantity, a leg above the market and one below. */
export interface OrderListRequest {
  readonly market: Market;
  readonly side: Side;
  readonly quantity: string;
  readonly listClientOrderId?: string | undefined;
  readonly selfTradePrevention?: SelfTradePrevention | undefined;
  readonly above: OrderListLegRequest;
  readonly below: OrderListLegRequest;
}

/** The parameter names of each leg's fields on a face (`abovePrice`, `belowStopPrice` …). */
export type LegFieldNames = (leg: 'above' | 'below') => OrderFieldNames;

const NATIVE_LEG_FIELDS: LegFieldNames = (leg) => ({
  price: `${leg}.price`,
  quantity: 'quantity',
  quoteQuantity: 'quoteQuantity',
  stopPrice: `${leg}.stopPrice`,
  trailingDelta: `${leg}.trailingDelta`,
});

/**
 * The `CREATE_ORDER_LIST` command; each leg is first checked as if placed alone.
 * @throws ApiError the first filter a leg fails, naming that leg's field
 */
export function toCreateOrderListCommand(
  accountId: string,
  requestId: string,
  list: OrderListRequest,
  fields: LegFieldNames = NATIVE_LEG_FIELDS,
): Command {
  const legs = { above: list.above, below: list.below };
  for (const name of ['above', 'below'] as const) {
    toCreateOrderCommand(
      accountId,
      requestId,
      { market: list.market, side: list.side, quantity: list.quantity, ...legs[name] },
      fields(name),
    );
  }
  const leg = (l: OrderListLegRequest) => ({
    orderType: l.orderType,
    ...defined('postOnly', l.postOnly),
    ...defined('timeInForce', l.timeInForce),
    ...defined('price', l.price),
    ...defined('stopPrice', l.stopPrice),
    ...defined('trailingDelta', l.trailingDelta),
    ...defined('clientOrderId', l.clientOrderId),
  });
  return checked({
    type: 'CREATE_ORDER_LIST',
    requestId,
    accountId,
    market: list.market.symbol,
    side: list.side,
    quantity: list.quantity,
    ...defined('listClientOrderId', list.listClientOrderId),
    ...defined('selfTradePrevention', list.selfTradePrevention),
    above: leg(list.above),
    below: leg(list.below),
  });
}

/** The `CANCEL_ORDER_LIST` command, by list id or the list's client id. */
export function toCancelOrderListCommand(
  accountId: string,
  requestId: string,
  market: Market,
  id: { readonly orderListId?: number | undefined; readonly listClientOrderId?: string | undefined },
  fields: RefFieldNames = { orderId: 'orderListId', clientOrderId: 'listClientOrderId' },
): Command {
  checkRef({ orderId: id.orderListId, clientOrderId: id.listClientOrderId }, fields);
  return checked({
    type: 'CANCEL_ORDER_LIST',
    requestId,
    accountId,
    market: market.symbol,
    ...defined('orderListId', id.orderListId),
    ...defined('listClientOrderId', id.listClientOrderId),
  });
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `toEngineCommand` messages read `<sentence> <field>: <why>.`; the field, in the face's spelling. */
function fieldOf(message: string, fields: OrderFieldNames): string | undefined {
  const match = /(?:^|\s)(price|quantity|quoteQuantity|stopPrice): /.exec(message);
  const name = match?.[1] as keyof OrderFieldNames | undefined;
  return name === undefined ? undefined : (fields[name] ?? name);
}

function detailOf(message: string): string | undefined {
  const match = /(?:price|quantity|quoteQuantity|stopPrice|amount): (.*?)\.?$/.exec(message);
  return match?.[1];
}
