/**
 * The native results of `trading/` in Binance Spot API shapes (`/api/v3`): field names,
 * order types, statuses. Pure. Prices and quantities keep the market's grid precision
 * (`"100.00"`), which Binance clients read as decimals like Binance's 8-digit strings.
 */
import type { Fill, Market } from '@exchange/protocol';
import { binanceSymbol, registry } from '../../trading/markets.js';
import type { OrderView } from '../../trading/order-result.js';

/** Binance's order types we serve; `LIMIT_MAKER` is a post-only limit order. */
export const BINANCE_ORDER_TYPES = ['LIMIT', 'MARKET', 'LIMIT_MAKER'] as const;
export type BinanceOrderType = (typeof BINANCE_ORDER_TYPES)[number];

/** Binance's `newOrderRespType`. */
export const ORDER_RESPONSE_TYPES = ['ACK', 'RESULT', 'FULL'] as const;
export type OrderResponseType = (typeof ORDER_RESPONSE_TYPES)[number];

function marketOfView(order: OrderView): Market {
  const market = registry().market(order.market);
  if (market === undefined) throw new Error(`order of unknown market ${order.market}`);
  return market;
}

function zero(decimals: number): string {
  return decimals === 0 ? '0' : `0.${'0'.repeat(decimals)}`;
}

/** Binance's status: an order expired by self-trade prevention is `EXPIRED_IN_MATCH`. */
function statusOf(order: OrderView): string {
  return order.status === 'EXPIRED' && order.reason === 'SELF_TRADE_PREVENTION'
    ? 'EXPIRED_IN_MATCH'
    : order.status;
}

function typeOf(order: OrderView): BinanceOrderType {
  if (order.orderType === 'MARKET') return 'MARKET';
  return order.postOnly ? 'LIMIT_MAKER' : 'LIMIT';
}

/** The fields every order shape shares after its ids. */
function orderFields(order: OrderView) {
  const m = marketOfView(order);
  return {
    price: order.price ?? zero(m.tick.decimals),
    origQty: order.quantity ?? order.filledQuantity,
    executedQty: order.filledQuantity,
    origQuoteOrderQty: order.quoteQuantity ?? zero(m.quote.decimals),
    cummulativeQuoteQty: order.filledQuote,
    status: statusOf(order),
    // Binance reports GTC for MARKET and LIMIT_MAKER orders.
    timeInForce: order.orderType === 'MARKET' || order.postOnly ? 'GTC' : order.timeInForce,
    type: typeOf(order),
    side: order.side,
  };
}

/** `newOrderRespType=ACK`. */
export function orderAck(order: OrderView, transactTime: number) {
  return {
    symbol: binanceSymbol(order.market),
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: order.clientOrderId ?? '',
    transactTime,
  };
}

/** `newOrderRespType=RESULT`. */
export function orderResult(order: OrderView, transactTime: number) {
  return {
    ...orderAck(order, transactTime),
    ...orderFields(order),
    workingTime: order.createdAt,
    selfTradePreventionMode: order.selfTradePrevention,
  };
}

/** `newOrderRespType=FULL`: RESULT plus this order's fills. */
export function orderFull(order: OrderView, fills: readonly Fill[], transactTime: number) {
  return {
    ...orderResult(order, transactTime),
    fills: fills.map((f) => ({
      price: f.price,
      qty: f.quantity,
      commission: f.fee,
      commissionAsset: f.feeAsset,
      tradeId: f.tradeId,
    })),
  };
}

/** `GET /api/v3/order` and each element of `GET /api/v3/openOrders`. */
export function orderQuery(order: OrderView) {
  const m = marketOfView(order);
  return {
    symbol: binanceSymbol(order.market),
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: order.clientOrderId ?? '',
    ...orderFields(order),
    stopPrice: zero(m.tick.decimals),
    icebergQty: zero(m.step.decimals),
    time: order.createdAt,
    updateTime: order.updatedAt,
    isWorking: order.orderType === 'LIMIT',
    workingTime: order.createdAt,
    selfTradePreventionMode: order.selfTradePrevention,
  };
}

/** `DELETE /api/v3/order` and each element of `DELETE /api/v3/openOrders`. */
export function orderCancel(order: OrderView, cancelClientOrderId: string, transactTime: number) {
  return {
    symbol: binanceSymbol(order.market),
    origClientOrderId: order.clientOrderId ?? '',
    orderId: order.orderId,
    orderListId: -1,
    clientOrderId: cancelClientOrderId,
    transactTime,
    ...orderFields(order),
    selfTradePreventionMode: order.selfTradePrevention,
  };
}

/** One element of `GET /api/v3/myTrades`. */
export function myTrade(fill: Fill) {
  return {
    symbol: binanceSymbol(fill.market),
    id: fill.tradeId,
    orderId: fill.orderId,
    orderListId: -1,
    price: fill.price,
    qty: fill.quantity,
    quoteQty: fill.quoteQuantity,
    commission: fill.fee,
    commissionAsset: fill.feeAsset,
    time: fill.time,
    isBuyer: fill.side === 'BUY',
    isMaker: fill.isMaker,
    isBestMatch: true,
  };
}

/** Basis points as Binance's commission rate string: 10 → `"0.00100000"`. */
function rate(bps: number): string {
  return `0.${String(bps).padStart(4, '0')}0000`;
}

/** `GET /api/v3/account`; commissions are those of the first market (all markets share them). */
export function account(
  accountId: string,
  balances: readonly { readonly asset: string; readonly available: string; readonly locked: string }[],
  updateTime: number,
) {
  const first = registry().markets[0];
  const maker = first?.makerFeeBps ?? 0;
  const taker = first?.takerFeeBps ?? 0;
  return {
    makerCommission: maker,
    takerCommission: taker,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: rate(maker), taker: rate(taker), buyer: rate(0), seller: rate(0) },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime,
    accountType: 'SPOT',
    balances: balances.map((b) => ({ asset: b.asset, free: b.available, locked: b.locked })),
    permissions: ['SPOT'],
    uid: accountId,
  };
}
