/**
 * `/api/v3`'s order parameters, as Binance names them (`type`, `quoteOrderQty`,
 * `origClientOrderId`, `aboveType` …): their schemas, Binance's per-type rules, and the
 * native requests of `trading/` they become, with the names a filter error reports a
 * field under. The handlers that use them are in `trading.ts`.
 */
import {
  CLIENT_ORDER_ID,
  hasLimitPrice,
  isConditional,
  type OrderType,
  SIDES,
  STP_MODES,
  TIME_IN_FORCE,
} from '@exchange/protocol';
import { z } from 'zod';
import { BINANCE_ORDER_TYPES, type BinanceOrderType } from '../../market-data/binance-exchange-info.js';
import { resolveMarket } from '../../markets.js';
import type {
  LegFieldNames,
  OrderListLegRequest,
  OrderListRequest,
  OrderRequest,
} from '../../trading/index.js';
import { ApiError, param } from '../api.js';
import { ORDER_RESPONSE_TYPES } from './binance-format.js';

/** The `/api/v3` names of an order's fields, for filter errors. */
export const V3_FIELDS = { price: 'price', quantity: 'quantity', quoteQuantity: 'quoteOrderQty' };
/** The `/api/v3` names of an order reference's fields. */
export const REF_FIELDS = { orderId: 'orderId', clientOrderId: 'origClientOrderId' };

/** A client order id (`newClientOrderId`, `origClientOrderId` …): Binance's alphabet and length. */
export const clientOrderIdParam = z.string().regex(CLIENT_ORDER_ID);

/** `POST /api/v3/order`'s parameters; `order/test` and `order/cancelReplace` take them too. */
export const newOrderParams = {
  symbol: param.symbol(),
  side: z.enum(SIDES),
  type: z.enum(BINANCE_ORDER_TYPES),
  timeInForce: z.enum(TIME_IN_FORCE).optional(),
  quantity: param.decimal().optional(),
  quoteOrderQty: param.decimal().optional(),
  price: param.decimal().optional(),
  newClientOrderId: clientOrderIdParam.optional(),
  newOrderRespType: z.enum(ORDER_RESPONSE_TYPES).optional(),
  selfTradePreventionMode: z.enum(STP_MODES).optional(),
  stopPrice: param.decimal().optional(),
  trailingDelta: param.integer({ min: 1 }).optional(),
};
type NewOrderParams = z.output<z.ZodObject<typeof newOrderParams>>;

/** One order of the caller's, by `orderId` or `origClientOrderId`. */
export const orderRefParams = {
  symbol: param.symbol(),
  orderId: param.integer({ min: 1 }).optional(),
  origClientOrderId: clientOrderIdParam.optional(),
};

/** One order list of the caller's, by `orderListId` or `listClientOrderId`. */
export const listRefParams = {
  symbol: param.symbol(),
  orderListId: param.integer({ min: 1 }).optional(),
  listClientOrderId: clientOrderIdParam.optional(),
};

const notRequired = (field: string) => new ApiError('PARAMETER_NOT_REQUIRED', { field });
/** -1102 for a parameter the request needs but did not send. */
export const missingParameter = (field: string) => new ApiError('MISSING_PARAMETER', { field });

/** The engine's type of a Binance type (`LIMIT_MAKER` is a post-only `LIMIT`). */
function engineType(type: BinanceOrderType): OrderType {
  return type === 'LIMIT_MAKER' ? 'LIMIT' : type;
}

/** Binance's per-type parameter rules, then the native order request. */
export function toOrderRequest(p: NewOrderParams): OrderRequest {
  const type = engineType(p.type);
  if (!hasLimitPrice(type)) {
    if (p.price !== undefined) throw notRequired('price');
    if (p.timeInForce !== undefined) throw notRequired('timeInForce');
    if (p.quantity === undefined && p.quoteOrderQty === undefined) throw missingParameter('quantity');
    if (p.quantity !== undefined && p.quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  } else {
    if (p.type !== 'LIMIT_MAKER' && p.timeInForce === undefined) throw missingParameter('timeInForce');
    if (p.type === 'LIMIT_MAKER' && p.timeInForce !== undefined) throw notRequired('timeInForce');
    if (p.quantity === undefined) throw missingParameter('quantity');
    if (p.price === undefined) throw missingParameter('price');
    if (p.quoteOrderQty !== undefined) throw notRequired('quoteOrderQty');
  }
  if (isConditional(type)) {
    if (p.stopPrice === undefined && p.trailingDelta === undefined) throw missingParameter('stopPrice');
  } else {
    if (p.stopPrice !== undefined) throw notRequired('stopPrice');
    if (p.trailingDelta !== undefined) throw notRequired('trailingDelta');
  }
  return {
    market: resolveMarket(p.symbol),
    side: p.side,
    orderType: type,
    postOnly: p.type === 'LIMIT_MAKER' ? true : undefined,
    timeInForce: p.timeInForce,
    price: p.price,
    quantity: p.quantity,
    quoteQuantity: p.quoteOrderQty,
    clientOrderId: p.newClientOrderId,
    selfTradePrevention: p.selfTradePreventionMode,
    stopPrice: p.stopPrice,
    trailingDelta: p.trailingDelta,
  };
}

/** Binance's OCO leg types: a limit maker, or a stop / take-profit order. */
const LEG_TYPES = [
  'LIMIT_MAKER',
  'STOP_LOSS',
  'STOP_LOSS_LIMIT',
  'TAKE_PROFIT',
  'TAKE_PROFIT_LIMIT',
] as const;

const leg = (name: 'above' | 'below') => ({
  [`${name}Type`]: z.enum(LEG_TYPES),
  [`${name}ClientOrderId`]: clientOrderIdParam.optional(),
  [`${name}Price`]: param.decimal().optional(),
  [`${name}StopPrice`]: param.decimal().optional(),
  [`${name}TrailingDelta`]: param.integer({ min: 1 }).optional(),
  [`${name}TimeInForce`]: z.enum(TIME_IN_FORCE).optional(),
});

/** `POST /api/v3/orderList/oco`'s parameters: the list's, then each leg's (`aboveType` …). */
export const ocoParams = {
  symbol: param.symbol(),
  listClientOrderId: clientOrderIdParam.optional(),
  side: z.enum(SIDES),
  quantity: param.decimal(),
  newOrderRespType: z.enum(ORDER_RESPONSE_TYPES).optional(),
  selfTradePreventionMode: z.enum(STP_MODES).optional(),
  ...leg('above'),
  ...leg('below'),
};
type OcoParams = z.output<z.ZodObject<typeof ocoParams>>;

/** One leg's parameters (`aboveType`, `abovePrice` …) with Binance's per-type rules. */
function legRequest(p: Readonly<Record<string, unknown>>, name: 'above' | 'below'): OrderListLegRequest {
  const field = (suffix: string) => `${name}${suffix}`;
  const type = p[field('Type')] as (typeof LEG_TYPES)[number];
  const price = p[field('Price')] as string | undefined;
  const stopPrice = p[field('StopPrice')] as string | undefined;
  const trailingDelta = p[field('TrailingDelta')] as number | undefined;
  const timeInForce = p[field('TimeInForce')] as OrderRequest['timeInForce'];
  const priced = type === 'LIMIT_MAKER' || type.endsWith('_LIMIT');
  if (priced && price === undefined) throw missingParameter(field('Price'));
  if (!priced && price !== undefined) throw notRequired(field('Price'));
  if (type === 'LIMIT_MAKER') {
    if (stopPrice !== undefined) throw notRequired(field('StopPrice'));
    if (trailingDelta !== undefined) throw notRequired(field('TrailingDelta'));
  } else if (stopPrice === undefined && trailingDelta === undefined) {
    throw missingParameter(field('StopPrice'));
  }
  if (type.endsWith('_LIMIT') && timeInForce === undefined) throw missingParameter(field('TimeInForce'));
  if (!type.endsWith('_LIMIT') && timeInForce !== undefined) throw notRequired(field('TimeInForce'));
  return {
    orderType: engineType(type),
    postOnly: type === 'LIMIT_MAKER' ? true : undefined,
    timeInForce,
    price,
    stopPrice,
    trailingDelta,
    clientOrderId: p[field('ClientOrderId')] as string | undefined,
  };
}

/** Binance's OCO rules, then the native order-list request. */
export function toOrderListRequest(p: OcoParams, listClientOrderId: string): OrderListRequest {
  return {
    market: resolveMarket(p.symbol),
    side: p.side,
    quantity: p.quantity,
    listClientOrderId,
    selfTradePrevention: p.selfTradePreventionMode,
    above: legRequest(p, 'above'),
    below: legRequest(p, 'below'),
  };
}

/** The `/api/v3` names of each OCO leg's fields (`abovePrice`, `belowStopPrice` …), for filter errors. */
export const V3_LEG_FIELDS: LegFieldNames = (name) => ({
  price: `${name}Price`,
  quantity: 'quantity',
  quoteQuantity: 'quantity',
  stopPrice: `${name}StopPrice`,
  trailingDelta: `${name}TrailingDelta`,
});
