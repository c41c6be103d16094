/**
 * The native results of `trading/` in Binance Spot API shapes (`/api/v3`): field names,
 * order types, statuses. Pure. Prices and quantities keep the market's grid precision
 * (`"100.00"`), which Binance clients read as decimals like Binance's 8-digit strings.
 */
import { binanceSymbol, type Fill, isConditional, type Market } from '@exchange/protocol';
import type { BinanceOrderType } from '../../market-data/binance-exchange-info.js';
import { marketRegistry } from '../../markets.js';
import type { CancelReplaceResult, OrderListView, OrderView } from '../../trading/order-result.js';
import { rejectionError } from '../api.js';

/** Binance's `newOrderRespType`. */
export const ORDER_RESPONSE_TYPES = ['ACK', 'RESULT', 'FULL'] as const;
export type OrderResponseType = (typeof ORDER_RESPONSE_TYPES)[number];

function marketOfView(order: OrderView): Market {
  const market = marketRegistry().market(order.market);
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
  if (order.orderType === 'LIMIT' && order.postOnly) return 'LIMIT_MAKER';
  return order.orderType;
}

/** A stop or take-profit order's trigger terms, as Binance adds them to its order shapes. */
function triggerFields(order: OrderView) {
  if (!isConditional(order.orderType)) return {};
  const m = marketOfView(order);
  return {
    stopPrice: order.stopPrice ?? zero(m.tick.decimals),
    ...(order.trailingDelta > 0 ? { trailingDelta: order.trailingDelta } : {}),
  };
}

function priced(order: OrderView): boolean {
  return order.orderType === 'LIMIT' || order.orderType.endsWith('_LIMIT');
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
    // Binance reports GTC for market-type and LIMIT_MAKER orders.
    timeInForce: !priced(order) || order.postOnly ? 'GTC' : order.timeInForce,
    type: typeOf(order),
    side: order.side,
  };
}

/** `newOrderRespType=ACK`. */
export function orderAck(order: OrderView, transactTime: number) {
  return {
    symbol: binanceSymbol(order.market),
    orderId: order.orderId,
    orderListId: order.orderListId,
    clientOrderId: order.clientOrderId ?? '',
    transactTime,
  };
}

/** `newOrderRespType=RESULT`. */
export function orderResult(order: OrderView, transactTime: number) {
  return {
    ...orderAck(order, transactTime),
    ...orderFields(order),
    ...triggerFields(order),
    workingTime: order.workingTime,
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

/** A placed order in the shape `newOrderRespType` asks for: ACK, RESULT or FULL (the default). */
export function orderResponse(
  type: OrderResponseType | undefined,
  order: OrderView,
  fills: readonly Fill[],
  transactTime: number,
) {
  if (type === 'ACK') return orderAck(order, transactTime);
  if (type === 'RESULT') return orderResult(order, transactTime);
  return orderFull(order, fills, transactTime);
}

/** A failed half as Binance reports it inside a cancel-replace answer. */
function failure(code: Parameters<typeof rejectionError>[0]) {
  return rejectionError(code, { action: 'cancel' }).body('v3');
}

/**
 * `POST /api/v3/order/cancelReplace`'s `data`: `cancelResult`, `newOrderResult`,
 * `cancelResponse` (the cancelled order, or the cancel's error) and `newOrderResponse`
 * (the placed order as `newOrderRespType` asks, the order's error, or null when not attempted).
 */
export function cancelReplaceData(
  { outcome, canceled, placed }: CancelReplaceResult,
  cancelClientOrderId: string,
  respType: OrderResponseType | undefined,
) {
  const [first] = canceled;
  const cancelResponse =
    outcome.cancelCode === null && first !== undefined
      ? orderCancel(first, cancelClientOrderId, first.updatedAt)
      : failure(outcome.cancelCode ?? 'UNKNOWN_ORDER');
  let newOrderResponse: unknown = null;
  if (placed !== undefined) {
    newOrderResponse = orderResponse(respType, placed.order, placed.fills, placed.order.updatedAt);
  } else if (outcome.orderCode !== null && outcome.orderCode !== 'NOT_ATTEMPTED') {
    newOrderResponse = failure(outcome.orderCode);
  }
  return {
    cancelResult: outcome.cancelCode === null ? 'SUCCESS' : 'FAILURE',
    newOrderResult:
      outcome.orderCode === null
        ? 'SUCCESS'
        : outcome.orderCode === 'NOT_ATTEMPTED'
          ? 'NOT_ATTEMPTED'
          : 'FAILURE',
    cancelResponse,
    newOrderResponse,
  };
}

/** `GET /api/v3/order` and each element of `GET /api/v3/openOrders`. */
export function orderQuery(order: OrderView) {
  const m = marketOfView(order);
  return {
    symbol: binanceSymbol(order.market),
    orderId: order.orderId,
    orderListId: order.orderListId,
    clientOrderId: order.clientOrderId ?? '',
    ...orderFields(order),
    stopPrice: order.stopPrice ?? zero(m.tick.decimals),
    ...(order.trailingDelta > 0 ? { trailingDelta: order.trailingDelta } : {}),
    icebergQty: zero(m.step.decimals),
    time: order.createdAt,
    updateTime: order.updatedAt,
    isWorking: order.workingTime >= 0,
    workingTime: order.workingTime,
    selfTradePreventionMode: order.selfTradePrevention,
  };
}

/** `DELETE /api/v3/order` and each element of `DELETE /api/v3/openOrders`. */
export function orderCancel(order: OrderView, cancelClientOrderId: string, transactTime: number) {
  return {
    symbol: binanceSymbol(order.market),
    origClientOrderId: order.clientOrderId ?? '',
    orderId: order.orderId,
    orderListId: order.orderListId,
    clientOrderId: cancelClientOrderId,
    transactTime,
    ...orderFields(order),
    ...triggerFields(order),
    selfTradePreventionMode: order.selfTradePrevention,
  };
}

/** The head of every order-list shape: `EXECUTING` while both orders are open, then `ALL_DONE`. */
function listStatus(list: OrderListView, listClientOrderId: string) {
  const open = list.orders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED').length;
  const executing = open === list.orders.length && open > 0;
  return {
    orderListId: list.orderListId,
    contingencyType: 'OCO',
    listStatusType: executing ? 'EXEC_STARTED' : 'ALL_DONE',
    listOrderStatus: executing ? 'EXECUTING' : 'ALL_DONE',
    listClientOrderId,
    transactionTime: list.transactionTime,
    symbol: binanceSymbol(list.market),
    orders: list.orders.map((o) => ({
      symbol: binanceSymbol(o.market),
      orderId: o.orderId,
      clientOrderId: o.clientOrderId ?? '',
    })),
  };
}

/** `GET /api/v3/orderList`, `openOrderList`, `allOrderList`. */
export function orderListQuery(list: OrderListView) {
  return listStatus(list, list.listClientOrderId ?? '');
}

/** `POST /api/v3/orderList/oco`: the list and a RESULT report of each order. */
export function orderListPlaced(list: OrderListView, listClientOrderId: string) {
  return {
    ...listStatus(list, listClientOrderId),
    orderReports: list.orders.map((o) => orderResult(o, list.transactionTime)),
  };
}

/** `DELETE /api/v3/orderList`: the list (`ALL_DONE`) and each cancelled order. */
export function orderListCanceled(list: OrderListView, listClientOrderId: string, transactTime: number) {
  return {
    ...listStatus(list, listClientOrderId),
    orderReports: list.orders.map((o) => ({
      ...orderCancel(o, o.clientOrderId ?? '', transactTime),
      origClientOrderId: o.clientOrderId ?? '',
    })),
  };
}

/** `PUT /api/v3/order/amend/keepPriority`: the amended order, and its list when it is in one. */
export function orderAmended(order: OrderView, list: readonly OrderView[], origClientOrderId: string) {
  const m = marketOfView(order);
  return {
    transactTime: order.updatedAt,
    executionId: order.updatedAt,
    amendedOrder: {
      symbol: binanceSymbol(order.market),
      orderId: order.orderId,
      orderListId: order.orderListId,
      origClientOrderId,
      clientOrderId: order.clientOrderId ?? '',
      price: order.price ?? zero(m.tick.decimals),
      qty: order.quantity ?? order.filledQuantity,
      executedQty: order.filledQuantity,
      preventedQty: zero(m.step.decimals),
      quoteOrderQty: order.quoteQuantity ?? zero(m.quote.decimals),
      cumulativeQuoteQty: order.filledQuote,
      status: statusOf(order),
      timeInForce: orderFields(order).timeInForce,
      type: typeOf(order),
      side: order.side,
      ...triggerFields(order),
      workingTime: order.workingTime,
      selfTradePreventionMode: order.selfTradePrevention,
    },
    ...(list.length === 0
      ? {}
      : {
          listStatus: {
            orderListId: order.orderListId,
            contingencyType: 'OCO',
            listOrderStatus: 'EXECUTING',
            listClientOrderId: '',
            symbol: binanceSymbol(order.market),
            orders: list.map((o) => ({
              symbol: binanceSymbol(o.market),
              orderId: o.orderId,
              clientOrderId: o.clientOrderId ?? '',
            })),
          },
        }),
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
  const first = marketRegistry().markets[0];
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
