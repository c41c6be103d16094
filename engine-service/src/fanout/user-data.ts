/**
 * Binance's user data stream events from the engine's `AccountUpdate` (one per command
 * that touched the account), as its `/ws/<listenKey>` and its WebSocket API
 * subscription send them. Pure: the update and the market table in, event JSON out, in
 * Binance's order: `balanceUpdate` (deposits and withdrawals), `executionReport` (per
 * order: `NEW` when the command created it, one `TRADE` per fill with its commission,
 * then `CANCELED` or `EXPIRED` when it ended without filling), `outboundAccountPosition`
 * (every balance the command changed).
 */
import {
  type AccountUpdate,
  binanceSymbol,
  type Fill,
  formatOnGrid,
  formatUnits,
  type Market,
  type MarketRegistry,
  type OrderEvent,
  parseOnGrid,
  parseUnits,
} from '@exchange/protocol';

/** Causes whose balance change Binance reports as `balanceUpdate`. */
const TRANSFER_CAUSES: ReadonlySet<string> = new Set(['DEPOSIT', 'WITHDRAW', 'SETTLE_WITHDRAWAL']);

/** The events of one update, each a JSON object as Binance's raw stream sends it. */
export function userDataEvents(update: AccountUpdate, registry: MarketRegistry): string[] {
  const events: string[] = [];
  for (const balance of update.balances) {
    if (!TRANSFER_CAUSES.has(balance.cause)) continue;
    const asset = registry.asset(balance.asset);
    if (asset === undefined) continue;
    const delta =
      signedUnits(balance.availableDelta, asset.decimals) + signedUnits(balance.lockedDelta, asset.decimals);
    if (delta === 0) continue;
    events.push(
      JSON.stringify({
        e: 'balanceUpdate',
        E: update.time,
        a: balance.asset,
        d: signedFormat(delta, asset.decimals),
        T: update.time,
      }),
    );
  }
  for (const order of update.orders) {
    const market = registry.market(order.market);
    if (market === undefined) continue;
    const fills = update.fills.filter(
      (fill) => fill.orderId === order.orderId && fill.market === order.market,
    );
    events.push(...executionReports(order, fills, market, update));
  }
  if (update.balances.length > 0) {
    events.push(
      JSON.stringify({
        e: 'outboundAccountPosition',
        E: update.time,
        u: update.time,
        B: update.balances.map((b) => ({ a: b.asset, f: b.available, l: b.locked })),
      }),
    );
  }
  return events;
}

/** Binance's `listenKeyExpired` event. */
export function listenKeyExpiredEvent(listenKey: string, eventTime: number): string {
  return JSON.stringify({ e: 'listenKeyExpired', E: eventTime, listenKey });
}

/** An event as Binance's WebSocket API subscription delivers it. */
export function subscriptionEvent(eventJson: string, subscriptionId = 0): string {
  return `{"subscriptionId":${subscriptionId},"event":${eventJson}}`;
}

function executionReports(
  order: OrderEvent,
  fills: readonly Fill[],
  market: Market,
  update: AccountUpdate,
): string[] {
  const reports: string[] = [];
  const zeroQuantity = formatOnGrid(0, market.step);
  const zeroPrice = formatOnGrid(0, market.tick);
  const zeroQuote = formatUnits(0, market.quote.decimals);
  const created = order.createdAt === update.time;
  const base = {
    e: 'executionReport',
    E: update.time,
    s: binanceSymbol(order.market),
    c: order.clientOrderId ?? '',
    S: order.side,
    o: order.postOnly ? 'LIMIT_MAKER' : order.orderType,
    f: order.timeInForce,
    q: order.quantity ?? zeroQuantity,
    p: order.price ?? zeroPrice,
    P: order.stopPrice ?? zeroPrice,
    F: zeroQuantity,
    g: order.orderListId ?? -1,
    C: '',
  };
  // `W` only once the order works (a waiting stop has none), `d` only for a trailing stop.
  const workingTime = order.workingTime ?? order.createdAt;
  const conditional = {
    ...(workingTime >= 0 ? { W: workingTime } : {}),
    ...(order.trailingDelta !== undefined && order.trailingDelta > 0 ? { d: order.trailingDelta } : {}),
  };
  const tail = (fields: Record<string, unknown>) => ({
    ...fields,
    I: update.seq,
    M: false,
    O: order.createdAt,
    Q: order.quoteQuantity ?? zeroQuote,
    ...conditional,
    V: order.selfTradePrevention,
  });
  const noTrade = (type: string, status: string, filled: string, filledQuote: string, working: boolean) =>
    JSON.stringify({
      ...base,
      x: type,
      X: status,
      r: 'NONE',
      i: order.orderId,
      l: zeroQuantity,
      z: filled,
      L: zeroPrice,
      n: '0',
      N: null,
      T: update.time,
      t: -1,
      ...tail({ w: working, m: false, Z: filledQuote, Y: zeroQuote }),
    });

  if (created && fills.length > 0) reports.push(noTrade('NEW', 'NEW', zeroQuantity, zeroQuote, false));
  // Cumulative amounts after each fill, from the order's final ones back.
  let filledLots = parseOnGrid(order.filledQuantity, market.step);
  let filledQuote = parseUnits(order.filledQuote, market.quote.decimals);
  const cumulative: { lots: number; quote: number }[] = [];
  for (const fill of [...fills].reverse()) {
    cumulative.unshift({ lots: filledLots, quote: filledQuote });
    filledLots -= parseOnGrid(fill.quantity, market.step);
    filledQuote -= parseUnits(fill.quoteQuantity, market.quote.decimals);
  }
  fills.forEach((fill, i) => {
    const after = cumulative[i] as { lots: number; quote: number };
    const last = i === fills.length - 1;
    const status = last ? fillStatus(order) : 'PARTIALLY_FILLED';
    reports.push(
      JSON.stringify({
        ...base,
        x: 'TRADE',
        X: status,
        r: 'NONE',
        i: order.orderId,
        l: fill.quantity,
        z: formatOnGrid(after.lots, market.step),
        L: fill.price,
        n: fill.fee,
        N: fill.feeAsset,
        T: fill.time,
        t: fill.tradeId,
        ...tail({
          w: status === 'NEW' || status === 'PARTIALLY_FILLED',
          m: fill.isMaker,
          Z: formatUnits(after.quote, market.quote.decimals),
          Y: fill.quoteQuantity,
        }),
      }),
    );
  });
  const ended = order.status === 'CANCELED' || order.status === 'EXPIRED';
  if (fills.length === 0 || ended) {
    const type = order.status === 'PARTIALLY_FILLED' || order.status === 'FILLED' ? 'NEW' : order.status;
    const open = order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';
    reports.push(noTrade(type, order.status, order.filledQuantity, order.filledQuote, open));
  }
  return reports;
}

/** The status after the last fill of a command: an order that ended right after (IOC) still reports the fill as filled so far. */
function fillStatus(order: OrderEvent): string {
  if (order.status === 'CANCELED' || order.status === 'EXPIRED') return 'PARTIALLY_FILLED';
  return order.status;
}

function signedUnits(value: string, decimals: number): number {
  return value.startsWith('-') ? -parseUnits(value.slice(1), decimals) : parseUnits(value, decimals);
}

function signedFormat(units: number, decimals: number): string {
  return units < 0 ? `-${formatUnits(-units, decimals)}` : formatUnits(units, decimals);
}
