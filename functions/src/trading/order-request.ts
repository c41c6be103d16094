/**
 * An order as either face asks for it, turned into the wire `CREATE_ORDER` command —
 * checked against the market's filters first, so bad input never reaches the engine.
 * Pure: no I/O, no clock (the request id comes in).
 */
import {
  type Command,
  type CreateOrderCommand,
  isRejection,
  type Market,
  type OrderType,
  type SelfTradePrevention,
  type Side,
  type TimeInForce,
  toEngineCommand,
} from '@exchange/protocol';
import { ApiError, rejectionError } from '../http/api.js';
import { registry } from './markets.js';

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
}

/** Which parameter a filter failure names, per face (`quantity` vs Binance's `quoteOrderQty`). */
export interface OrderFieldNames {
  readonly price: string;
  readonly quantity: string;
  readonly quoteQuantity: string;
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
  };
  const engine = toEngineCommand(command, registry());
  if (isRejection(engine))
    throw rejectionError(engine.code, {
      field: fieldOf(engine.message, fields),
      detail: detailOf(engine.message),
    });
  if (engine.type !== 'CREATE_ORDER') throw new Error('toEngineCommand changed the command type');
  const m = request.market;
  if (engine.orderType === 'LIMIT' && engine.price === 0) {
    throw rejectionError('PRICE_FILTER', { field: fields.price, detail: 'must be positive' });
  }
  if (engine.price > m.maxPriceTicks) {
    throw rejectionError('PRICE_FILTER', {
      field: fields.price,
      detail: `above the maximum ${m.config.maxPrice}`,
    });
  }
  if (engine.quantity > m.maxQuantityLots) {
    throw rejectionError('LOT_SIZE', {
      field: fields.quantity,
      detail: `above the maximum ${m.config.maxQuantity}`,
    });
  }
  // A limit order's value is known here; a market order's only once it fills.
  const notional =
    engine.orderType === 'LIMIT'
      ? BigInt(engine.price) * BigInt(engine.quantity) * BigInt(m.quotePerTickLot)
      : BigInt(engine.quoteQuantity);
  if ((engine.orderType === 'LIMIT' || engine.quoteQuantity > 0) && notional < BigInt(m.minNotional)) {
    throw rejectionError('MIN_NOTIONAL', { detail: `below the minimum ${m.config.minNotional}` });
  }
  return command;
}

/**
 * The `CANCEL_ORDER` command for one order, by engine id or client order id.
 * @throws ApiError BAD_PARAMETER when neither or both ids are given
 */
export function toCancelOrderCommand(
  accountId: string,
  requestId: string,
  market: Market,
  id: { readonly orderId?: number | undefined; readonly clientOrderId?: string | undefined },
  fields: { readonly orderId: string; readonly clientOrderId: string } = {
    orderId: 'orderId',
    clientOrderId: 'clientOrderId',
  },
): Command {
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
  return {
    type: 'CANCEL_ORDER',
    requestId,
    accountId,
    market: market.symbol,
    ...defined('orderId', id.orderId),
    ...defined('clientOrderId', id.clientOrderId),
  };
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** `toEngineCommand` messages read `<sentence> <field>: <why>.`; the field, in the face's spelling. */
function fieldOf(message: string, fields: OrderFieldNames): string | undefined {
  const match = /(?:^|\s)(price|quantity|quoteQuantity): /.exec(message);
  const name = match?.[1] as keyof OrderFieldNames | undefined;
  return name === undefined ? undefined : fields[name];
}

function detailOf(message: string): string | undefined {
  const match = /(?:price|quantity|quoteQuantity|amount): (.*?)\.?$/.exec(message);
  return match?.[1];
}
