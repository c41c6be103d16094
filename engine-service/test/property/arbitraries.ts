/**
 * Random command streams for the engine's property tests: a few accounts trading
 * two markets at prices clustered around a mid, so books cross, fill, partially
 * fill and self-trade often; funds moving in and out; and a share of commands
 * that must be rejected. Cancels and withdrawal settlements mostly target orders
 * and withdrawals created earlier in the same stream.
 */
import { FEE_ACCOUNT_ID } from '@exchange/engine-service/core';
import {
  createMarketRegistry,
  type EngineCommand,
  type EngineCreateOrder,
  type SelfTradePrevention,
  type Side,
  STP_MODES,
  type TimeInForce,
} from '@exchange/protocol';
import fc from 'fast-check';

/** One command as the engine receives it. */
export interface Step {
  readonly seq: number;
  readonly time: number;
  readonly command: EngineCommand;
}

export const registry = createMarketRegistry();

/** Every property runs this many streams, from a fixed seed. */
export const RUNS = { seed: 20_240_611, numRuns: 200 } as const;
export const STREAM_LENGTH = 150;

export const TRADERS = ['alice', 'bob', 'carol', 'dave'] as const;
/** The fee account also trades now and then: nothing in the spec forbids it. */
export const ACCOUNTS: readonly string[] = [...TRADERS, FEE_ACCOUNT_ID];
export const MARKETS = ['SOL_USDC', 'BTC_USDC'] as const;
export const ASSETS = ['USDC', 'SOL', 'BTC', 'ETH'] as const;
type Traded = (typeof MARKETS)[number];

/** Where each market trades, in ticks, and how many quote minor units buy a typical order. */
const MID: Record<Traded, { price: number; typicalQuote: number }> = {
  SOL_USDC: { price: 20_000, typicalQuote: 4_000_000 },
  BTC_USDC: { price: 600_000, typicalQuote: 12_000_000 },
};

/** Funds of a size comparable to a few orders, so funds run short now and then. */
const TYPICAL_AMOUNT: Record<(typeof ASSETS)[number], number> = {
  USDC: 40_000_000,
  SOL: 4_000_000,
  BTC: 40_000,
  ETH: 100_000_000,
};

type Draft =
  | { kind: 'command'; command: EngineCommand }
  /** Amend an order created earlier in the stream down to a share of its quantity. */
  | { kind: 'amendEarlier'; pick: number; share: number; asOwner: boolean; stranger: string }
  /** Cancel an order created earlier and place `order` in its stead. */
  | { kind: 'replaceEarlier'; pick: number; order: EngineCreateOrder; allowFailure: boolean }
  /** Cancel an order list created earlier. */
  | { kind: 'cancelListEarlier'; pick: number; asOwner: boolean; stranger: string }
  /** Cancel an order created earlier in the stream (`pick` chooses which). */
  | {
      kind: 'cancelEarlier';
      pick: number;
      by: 'orderId' | 'clientOrderId' | 'both';
      asOwner: boolean;
      stranger: string;
      otherMarket: boolean;
    }
  /** Settle a withdrawal requested earlier in the stream. */
  | {
      kind: 'settleEarlier';
      pick: number;
      asOwner: boolean;
      stranger: string;
      outcome: 'COMPLETED' | 'FAILED';
    };

interface Spaced {
  readonly draft: Draft;
  /** How far this command's seq is from the previous one. */
  readonly seqGap: number;
  readonly timeGap: number;
}

/** Mostly one of the last few orders, which are the likeliest to be resting. */
const pick = fc.oneof({ arbitrary: fc.nat(6), weight: 3 }, { arbitrary: fc.nat(), weight: 1 });

const account = fc.oneof(
  { arbitrary: fc.constantFrom(...TRADERS), weight: 15 },
  { arbitrary: fc.constant(FEE_ACCOUNT_ID), weight: 1 },
);
const market = fc.constantFrom(...MARKETS);
const side = fc.constantFrom<Side>('BUY', 'SELL');
const stp = fc.constantFrom<SelfTradePrevention>(...STP_MODES);
const clientOrderId = fc.option(fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5'), { freq: 2, nil: null });
const timeInForce = fc.oneof(
  { arbitrary: fc.constant<TimeInForce>('GTC'), weight: 6 },
  { arbitrary: fc.constant<TimeInForce>('IOC'), weight: 3 },
  { arbitrary: fc.constant<TimeInForce>('FOK'), weight: 2 },
);
/** Added to the mid less a tick for bids, plus a tick for asks: the two overlap, so books cross. */
const priceOffset = fc.oneof(
  { arbitrary: fc.integer({ min: -5, max: 5 }), weight: 8 },
  { arbitrary: fc.integer({ min: -60, max: 60 }), weight: 1 },
);
const lots = fc.oneof(
  { arbitrary: fc.integer({ min: 2, max: 25 }), weight: 6 },
  { arbitrary: fc.integer({ min: 1, max: 60 }), weight: 1 },
);

const limitOrder: fc.Arbitrary<EngineCreateOrder> = fc
  .record({
    accountId: account,
    market,
    side,
    offset: priceOffset,
    quantity: lots,
    timeInForce,
    postOnly: fc.oneof(
      { arbitrary: fc.constant(true), weight: 1 },
      { arbitrary: fc.constant(false), weight: 5 },
    ),
    clientOrderId,
    selfTradePrevention: stp,
  })
  .map(({ offset, market: symbol, side, timeInForce, postOnly, ...rest }) => ({
    type: 'CREATE_ORDER',
    market: symbol,
    side,
    orderType: 'LIMIT',
    timeInForce,
    postOnly: postOnly && timeInForce === 'GTC',
    price: MID[symbol].price + offset + (side === 'BUY' ? -1 : 1),
    quoteQuantity: 0,
    ...rest,
  }));

const marketOrder: fc.Arbitrary<EngineCreateOrder> = fc
  .record({
    accountId: account,
    market,
    side,
    byQuote: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 50 }),
    quoteShare: fc.double({ min: 0.05, max: 3, noNaN: true }),
    clientOrderId,
    selfTradePrevention: stp,
  })
  .map(({ byQuote, quantity, quoteShare, market: symbol, ...rest }) => ({
    type: 'CREATE_ORDER',
    market: symbol,
    orderType: 'MARKET',
    timeInForce: 'IOC',
    postOnly: false,
    price: 0,
    quantity: byQuote ? 0 : quantity,
    quoteQuantity: byQuote ? Math.round(MID[symbol].typicalQuote * quoteShare) : 0,
    ...rest,
  }));

const stopLots = fc.integer({ min: 2, max: 25 });
/** How far from the mid a stop price sits, in ticks: either side, so some would trigger at once. */
const stopOffset = fc.integer({ min: -25, max: 25 });
/** Mostly near the market's 10 bps minimum, a few ticks at these prices, so trailing stops fire. */
const trailing = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: 10, max: 20 }), weight: 2 },
  { arbitrary: fc.integer({ min: 10, max: 300 }), weight: 1 },
);

/**
 * Stop and take-profit orders whose locks follow from their terms: limit-priced, or
 * market-type sells by quantity and buys by quote amount.
 */
const stopOrder: fc.Arbitrary<EngineCreateOrder> = fc
  .record({
    accountId: account,
    market,
    side,
    takeProfit: fc.boolean(),
    limit: fc.boolean(),
    stop: stopOffset,
    limitOffset: fc.integer({ min: -8, max: 8 }),
    trailingDelta: trailing,
    noStopPrice: fc.boolean(),
    quantity: stopLots,
    quoteShare: fc.double({ min: 0.2, max: 2, noNaN: true }),
    timeInForce,
    clientOrderId,
    selfTradePrevention: stp,
  })
  .map(
    ({
      takeProfit,
      limit,
      stop,
      limitOffset,
      trailingDelta,
      noStopPrice,
      quoteShare,
      market: symbol,
      ...rest
    }) => {
      const stopPrice = trailingDelta > 0 && noStopPrice ? 0 : MID[symbol].price + stop;
      const byQuote = !limit && rest.side === 'BUY';
      return {
        type: 'CREATE_ORDER',
        market: symbol,
        orderType: takeProfit
          ? limit
            ? 'TAKE_PROFIT_LIMIT'
            : 'TAKE_PROFIT'
          : limit
            ? 'STOP_LOSS_LIMIT'
            : 'STOP_LOSS',
        postOnly: false,
        price: limit ? MID[symbol].price + stop + limitOffset : 0,
        stopPrice,
        trailingDelta,
        ...rest,
        timeInForce: limit ? rest.timeInForce : 'IOC',
        quantity: byQuote ? 0 : rest.quantity,
        quoteQuantity: byQuote ? Math.round(MID[symbol].typicalQuote * quoteShare) : 0,
      };
    },
  );

/** OCO lists: a limit maker or take-profit on the profit side, a stop-loss on the other. */
const orderList: fc.Arbitrary<EngineCommand> = fc
  .record({
    accountId: account,
    market,
    side,
    quantity: stopLots,
    profit: fc.integer({ min: 1, max: 30 }),
    loss: fc.integer({ min: 1, max: 30 }),
    profitLimitMaker: fc.boolean(),
    lossLimit: fc.boolean(),
    trailingDelta: trailing,
    selfTradePrevention: stp,
  })
  .map(
    ({
      accountId,
      market: symbol,
      side,
      quantity,
      profit,
      loss,
      profitLimitMaker,
      lossLimit,
      trailingDelta,
      selfTradePrevention,
    }) => {
      const mid = MID[symbol].price;
      const sell = side === 'SELL';
      const profitPrice = sell ? mid + profit : mid - profit;
      const lossPrice = sell ? mid - loss : mid + loss;
      const profitLeg = {
        orderType: profitLimitMaker ? ('LIMIT' as const) : ('TAKE_PROFIT_LIMIT' as const),
        postOnly: profitLimitMaker,
        timeInForce: 'GTC' as const,
        price: profitPrice,
        stopPrice: profitLimitMaker ? 0 : profitPrice,
        trailingDelta: 0,
        clientOrderId: null,
      };
      // A market-type buy stop sized by quantity would lock all available quote: keep buys limit-priced.
      const limitLoss = lossLimit || !sell;
      const lossLeg = {
        orderType: limitLoss ? ('STOP_LOSS_LIMIT' as const) : ('STOP_LOSS' as const),
        postOnly: false,
        timeInForce: limitLoss ? ('GTC' as const) : ('IOC' as const),
        price: limitLoss ? lossPrice : 0,
        stopPrice: lossPrice,
        trailingDelta,
        clientOrderId: null,
      };
      return {
        type: 'CREATE_ORDER_LIST',
        accountId,
        market: symbol,
        side,
        quantity,
        listClientOrderId: null,
        selfTradePrevention,
        above: sell ? profitLeg : lossLeg,
        below: sell ? lossLeg : profitLeg,
      };
    },
  );

const amendEarlier: fc.Arbitrary<Draft> = fc.record({
  kind: fc.constant('amendEarlier'),
  pick,
  share: fc.double({ min: 0, max: 1.2, noNaN: true }),
  asOwner: fc.oneof(
    { arbitrary: fc.constant(true), weight: 6 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  stranger: account,
});

const replaceEarlier: fc.Arbitrary<Draft> = fc.record({
  kind: fc.constant('replaceEarlier'),
  pick,
  order: fc.oneof(limitOrder, stopOrder),
  allowFailure: fc.boolean(),
});

const cancelListEarlier: fc.Arbitrary<Draft> = fc.record({
  kind: fc.constant('cancelListEarlier'),
  pick,
  asOwner: fc.oneof(
    { arbitrary: fc.constant(true), weight: 6 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  stranger: account,
});

/** Orders that the market lookup or a market filter must reject, one variant each. */
const malformedOrder: fc.Arbitrary<EngineCommand> = fc
  .tuple(limitOrder, marketOrder, fc.nat())
  .map(([limit, mkt, which]): EngineCommand => {
    const m = registry.market(limit.market);
    const maxPrice = m?.maxPriceTicks ?? 1;
    const maxLots = m?.maxQuantityLots ?? 1;
    const variants: EngineCreateOrder[] = [
      { ...limit, price: 0 },
      { ...limit, price: -limit.price },
      { ...limit, price: maxPrice + 1 },
      { ...limit, quantity: 0 },
      { ...limit, quantity: -limit.quantity },
      { ...limit, quantity: maxLots + 1 },
      { ...limit, price: maxPrice, quantity: maxLots },
      { ...limit, quantity: 1, price: 10 },
      { ...limit, market: 'DOGE_USDC' },
      { ...limit, postOnly: true, timeInForce: 'IOC' },
      { ...limit, quoteQuantity: 5_000_000 },
      { ...mkt, market: 'DOGE_USDC' },
      { ...mkt, price: 20_000 },
      { ...mkt, quantity: 3, quoteQuantity: 3_000_000 },
      { ...mkt, quantity: 0, quoteQuantity: 0 },
      { ...mkt, timeInForce: 'GTC' },
      { ...mkt, postOnly: true },
      { ...mkt, quantity: 0, quoteQuantity: 999_999 },
      { ...mkt, quantity: 0, quoteQuantity: 2 ** 53 },
      { ...mkt, quantity: 0, quoteQuantity: -2_000_000 },
      { ...mkt, quantity: -4, quoteQuantity: 0 },
      { ...mkt, quantity: maxLots + 1, quoteQuantity: 0 },
    ];
    return variants[which % variants.length] as EngineCreateOrder;
  });

const assetAmount = (maxShare: number) =>
  fc
    .tuple(fc.constantFrom(...ASSETS), fc.double({ min: 0.01, max: maxShare, noNaN: true }))
    .map(([asset, share]) => ({ asset, amount: Math.max(1, Math.round(TYPICAL_AMOUNT[asset] * share)) }));

const deposit: fc.Arbitrary<EngineCommand> = fc
  .tuple(account, assetAmount(1.5))
  .map(([accountId, { asset, amount }]) => ({ type: 'DEPOSIT', accountId, asset, amount }));

const badDeposit: fc.Arbitrary<EngineCommand> = fc
  .tuple(
    account,
    fc.constantFrom(
      { asset: 'USDC', amount: 0 },
      { asset: 'SOL', amount: -5 },
      { asset: 'DOGE', amount: 1_000 },
      { asset: 'ETH', amount: Number.MAX_SAFE_INTEGER },
      { asset: 'ETH', amount: Number.MAX_SAFE_INTEGER - 1_000 },
    ),
  )
  .map(([accountId, { asset, amount }]) => ({ type: 'DEPOSIT', accountId, asset, amount }));

const withdraw: fc.Arbitrary<EngineCommand> = fc
  .tuple(
    account,
    fc.oneof(
      { arbitrary: assetAmount(0.6), weight: 8 },
      { arbitrary: fc.constantFrom({ asset: 'USDC', amount: 0 }, { asset: 'DOGE', amount: 10 }), weight: 1 },
    ),
  )
  .map(([accountId, { asset, amount }]) => ({ type: 'WITHDRAW', accountId, asset, amount }));

const cancelEarlier: fc.Arbitrary<Draft> = fc.record({
  kind: fc.constant('cancelEarlier'),
  pick,
  by: fc.constantFrom('orderId', 'orderId', 'clientOrderId', 'both'),
  asOwner: fc.oneof(
    { arbitrary: fc.constant(true), weight: 6 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  stranger: account,
  otherMarket: fc.oneof(
    { arbitrary: fc.constant(false), weight: 8 },
    { arbitrary: fc.constant(true), weight: 1 },
  ),
});

const cancelNothing: fc.Arbitrary<EngineCommand> = fc
  .record({ accountId: account, market: fc.constantFrom(...MARKETS, 'DOGE_USDC'), orderId: fc.nat(10_000) })
  .map(({ accountId, market, orderId }) => ({
    type: 'CANCEL_ORDER',
    accountId,
    market,
    orderId: orderId + 1,
    clientOrderId: null,
  }));

const cancelAll: fc.Arbitrary<EngineCommand> = fc
  .tuple(account, fc.constantFrom(...MARKETS, ...MARKETS, 'DOGE_USDC'))
  .map(([accountId, market]) => ({ type: 'CANCEL_ALL', accountId, market }));

const settleEarlier: fc.Arbitrary<Draft> = fc.record({
  kind: fc.constant('settleEarlier'),
  pick,
  asOwner: fc.oneof(
    { arbitrary: fc.constant(true), weight: 8 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  stranger: account,
  outcome: fc.constantFrom('COMPLETED', 'FAILED'),
});

const command = (arbitrary: fc.Arbitrary<EngineCommand>, weight: number) => ({
  arbitrary: arbitrary.map((c): Draft => ({ kind: 'command', command: c })),
  weight,
});

/** Which kinds of order a stream may hold besides limit orders (all by default). */
export interface StreamOptions {
  readonly marketOrders?: boolean;
  readonly malformedOrders?: boolean;
  /** Stop and take-profit orders, OCO lists, amendments and cancel-replaces (none by default). */
  readonly conditionalOrders?: boolean;
}

function draft({
  marketOrders = true,
  malformedOrders = true,
  conditionalOrders = false,
}: StreamOptions): fc.Arbitrary<Draft> {
  const conditional = conditionalOrders ? 1 : 0;
  return fc.oneof(
    command(stopOrder, 12 * conditional),
    command(orderList, 6 * conditional),
    { arbitrary: amendEarlier, weight: 6 * conditional },
    { arbitrary: replaceEarlier, weight: 5 * conditional },
    { arbitrary: cancelListEarlier, weight: 2 * conditional },
    command(limitOrder, 45),
    command(marketOrder, marketOrders ? 12 : 0),
    command(malformedOrder, malformedOrders ? 6 : 0),
    { arbitrary: cancelEarlier, weight: 14 },
    command(cancelNothing, 2),
    command(cancelAll, 3),
    command(deposit, 6),
    command(badDeposit, 1),
    command(withdraw, 5),
    { arbitrary: settleEarlier, weight: 5 },
  );
}

const seqGap = fc.oneof(
  { arbitrary: fc.constant(1), weight: 9 },
  { arbitrary: fc.integer({ min: 2, max: 4 }), weight: 1 },
);

/** Every trader starts with some of each traded asset. */
const funding: fc.Arbitrary<EngineCommand[]> = fc
  .array(fc.double({ min: 0.5, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 })
  .map((shares) =>
    TRADERS.flatMap((accountId, i) =>
      (['USDC', 'SOL', 'BTC'] as const).map(
        (asset, j): EngineCommand => ({
          type: 'DEPOSIT',
          accountId,
          asset,
          amount: Math.round(TYPICAL_AMOUNT[asset] * (shares[i * 3 + j] as number)),
        }),
      ),
    ),
  );

/**
 * The traders' opening deposits, then about `length` random commands (0 to twice
 * that, so shrinking can drop any of them), with increasing seqs that sometimes skip
 * and non-decreasing times.
 */
export function commandStream(options: StreamOptions = {}, length = STREAM_LENGTH): fc.Arbitrary<Step[]> {
  const spaced: fc.Arbitrary<Spaced> = fc.record({
    draft: draft(options),
    seqGap,
    timeGap: fc.integer({ min: 0, max: 3 }),
  });
  return fc
    .tuple(funding, fc.array(spaced, { maxLength: 2 * length, size: 'max' }))
    .map(([deposits, drafts]) => toSteps(deposits, drafts));
}

/** Gives the drafts their seqs and resolves "an earlier order/withdrawal" into real ids. */
function toSteps(deposits: EngineCommand[], drafts: Spaced[]): Step[] {
  const steps: Step[] = [];
  /** Orders that may be resting: cancels aim at these. */
  const orders: { seq: number; command: EngineCreateOrder }[] = [];
  const withdrawals: { seq: number; accountId: string }[] = [];
  const lists: { seq: number; accountId: string; market: string }[] = [];
  let seq = 0;
  let time = 1_700_000_000_000;
  for (const command of deposits) steps.push({ seq: ++seq, time: ++time, command });
  for (const { draft, seqGap, timeGap } of drafts) {
    seq += seqGap;
    time += timeGap;
    const command = resolve(draft, seq, orders, withdrawals, lists);
    const created = command.type === 'CANCEL_REPLACE' ? command.order : command;
    if (
      created.type === 'CREATE_ORDER' &&
      (created.timeInForce === 'GTC' || created.stopPrice !== undefined)
    ) {
      orders.push({ seq, command: created });
    }
    if (command.type === 'CREATE_ORDER_LIST') {
      lists.push({ seq, accountId: command.accountId, market: command.market });
    }
    if (command.type === 'WITHDRAW') withdrawals.push({ seq, accountId: command.accountId });
    steps.push({ seq, time, command });
  }
  return steps;
}

function resolve(
  draft: Draft,
  seq: number,
  orders: readonly { seq: number; command: EngineCreateOrder }[],
  withdrawals: readonly { seq: number; accountId: string }[],
  lists: readonly { seq: number; accountId: string; market: string }[],
): EngineCommand {
  if (draft.kind === 'command') return draft.command;
  if (draft.kind === 'cancelListEarlier') {
    const list = lists[lists.length - 1 - (draft.pick % Math.max(1, lists.length))];
    return {
      type: 'CANCEL_ORDER_LIST',
      accountId: list !== undefined && draft.asOwner ? list.accountId : draft.stranger,
      market: list?.market ?? 'SOL_USDC',
      orderListId: list?.seq ?? seq,
      listClientOrderId: null,
    };
  }
  if (draft.kind === 'amendEarlier' || draft.kind === 'replaceEarlier') {
    const target = orders[orders.length - 1 - (draft.pick % Math.max(1, orders.length))];
    const own = target?.command;
    if (draft.kind === 'amendEarlier') {
      return {
        type: 'AMEND_ORDER',
        accountId: own !== undefined && draft.asOwner ? own.accountId : draft.stranger,
        market: own?.market ?? 'SOL_USDC',
        orderId: target?.seq ?? seq,
        clientOrderId: null,
        quantity: Math.max(1, Math.round((own?.quantity ?? 1) * draft.share)),
        newClientOrderId: null,
      };
    }
    const order = {
      ...draft.order,
      accountId: own?.accountId ?? draft.order.accountId,
      market: own?.market ?? draft.order.market,
    };
    return {
      type: 'CANCEL_REPLACE',
      accountId: order.accountId,
      mode: draft.allowFailure ? 'ALLOW_FAILURE' : 'STOP_ON_FAILURE',
      cancel: {
        type: 'CANCEL_ORDER',
        accountId: order.accountId,
        market: order.market,
        orderId: target?.seq ?? seq,
        clientOrderId: null,
      },
      order,
    };
  }
  if (draft.kind === 'settleEarlier') {
    const target = withdrawals[withdrawals.length - 1 - (draft.pick % Math.max(1, withdrawals.length))];
    return {
      type: 'SETTLE_WITHDRAWAL',
      accountId: target !== undefined && draft.asOwner ? target.accountId : draft.stranger,
      withdrawalId: target?.seq ?? seq + 1,
      outcome: draft.outcome,
    };
  }
  const target = orders[orders.length - 1 - (draft.pick % Math.max(1, orders.length))];
  if (target === undefined) {
    return {
      type: 'CANCEL_ORDER',
      accountId: draft.stranger,
      market: 'SOL_USDC',
      orderId: seq,
      clientOrderId: null,
    };
  }
  const own = target.command;
  const otherMarket = own.market === 'SOL_USDC' ? 'BTC_USDC' : 'SOL_USDC';
  const clientId = own.clientOrderId ?? 'c9';
  return {
    type: 'CANCEL_ORDER',
    accountId: draft.asOwner ? own.accountId : draft.stranger,
    market: draft.otherMarket ? otherMarket : own.market,
    orderId: draft.by === 'clientOrderId' ? null : target.seq,
    clientOrderId: draft.by === 'orderId' ? null : draft.by === 'both' ? 'c3' : clientId,
  };
}
