/**
 * Unit: Binance's streams the fan-out derives — combined-stream wrapping, the average
 * price, partial books and user data events — each against Binance's field list.
 */
import {
  type AccountUpdate,
  createMarketRegistry,
  type PublicTrade,
  publicTradesJson,
} from '@exchange/protocol';
import { expiredListenKeys, type ListenKeyConnection } from '../../src/fanout/listen-key-watch.js';
import { StreamRouter } from '../../src/fanout/stream-router.js';
import { listenKeyExpiredEvent, subscriptionEvent, userDataEvents } from '../../src/fanout/user-data.js';

const registry = createMarketRegistry();
const T0 = Date.UTC(2026, 0, 5, 10, 0);
const keysOf = (json: string) => Object.keys(JSON.parse(json)).sort();

function router(wanted: readonly string[]) {
  const set = new Set(wanted);
  const routes = new StreamRouter({ registry, wanted: (s) => set.has(s) });
  routes.resumeCandles([]);
  return routes;
}

const trade = (tradeId: number, price: string, quantity: string, quote: string): PublicTrade => ({
  type: 'TRADE',
  seq: tradeId,
  time: T0 + tradeId,
  market: 'SOL_USDC',
  tradeId,
  price,
  quantity,
  quoteQuantity: quote,
  takerSide: 'BUY',
});

describe('Binance streams in the fan-out', () => {
  it('wraps a Binance stream as {stream,data} for a connection opened at /stream, raw for one at /ws', () => {
    const out = router(['solusdc@trade', 'solusdc@trade/combined']).onMessage(
      'trades@SOL_USDC',
      publicTradesJson([trade(1, '100.00', '0.500', '50.000000')]),
    );
    expect(out.map((o) => [o.stream, o.batchable])).toEqual([
      ['solusdc@trade', false],
      ['solusdc@trade/combined', false],
    ]);
    expect(JSON.parse(out[1]?.frame ?? '')).toEqual({
      stream: 'solusdc@trade',
      data: JSON.parse(out[0]?.frame ?? ''),
    });
  });

  it('sends the 5-minute volume-weighted average price, exactly, with Binance’s fields', () => {
    const routes = router(['solusdc@avgPrice']);
    routes.onMessage(
      'trades@SOL_USDC',
      publicTradesJson([
        trade(1, '100.00', '1.000', '100.000000'),
        trade(2, '101.00', '3.000', '303.000000'),
      ]),
    );
    const [frame] = routes.flush(T0 + 10);
    expect(JSON.parse(frame?.frame ?? '')).toEqual({
      e: 'avgPrice',
      E: T0 + 10,
      s: 'SOLUSDC',
      i: '5m',
      w: '100.75000000',
      T: T0 + 2,
    });
  });

  it('sends a partial book of the best levels with its update id', () => {
    const routes = router(['solusdc@depth5']);
    expect(routes.partialDepthMarkets('slow')).toEqual(['SOL_USDC']);
    expect(routes.partialDepthMarkets('fast')).toEqual([]);
    const bids = Array.from({ length: 7 }, (_, i): [string, string] => [`${100 - i}.00`, '1.000']);
    const [frame] = routes.partialDepth(
      { market: 'SOL_USDC', seq: 4, lastUpdateId: 42, bids, asks: [] },
      'slow',
    );
    expect(JSON.parse(frame?.frame ?? '')).toEqual({ lastUpdateId: 42, bids: bids.slice(0, 5), asks: [] });
  });

  it('turns an account update into executionReport (NEW, TRADE) and outboundAccountPosition with Binance’s fields', () => {
    const update: AccountUpdate = {
      type: 'ACCOUNT',
      accountId: 'acc_1',
      seq: 9,
      time: T0,
      orders: [
        {
          type: 'ORDER',
          seq: 9,
          time: T0,
          market: 'SOL_USDC',
          orderId: 5,
          accountId: 'acc_1',
          clientOrderId: 'c-1',
          side: 'BUY',
          orderType: 'LIMIT',
          timeInForce: 'GTC',
          postOnly: false,
          selfTradePrevention: 'NONE',
          price: '100.00',
          quantity: '2.000',
          quoteQuantity: null,
          filledQuantity: '1.500',
          filledQuote: '150.000000',
          status: 'PARTIALLY_FILLED',
          reason: null,
          createdAt: T0,
        },
      ] as unknown as AccountUpdate['orders'],
      fills: [
        {
          tradeId: 1,
          market: 'SOL_USDC',
          orderId: 5,
          side: 'BUY',
          price: '100.00',
          quantity: '1.000',
          quoteQuantity: '100.000000',
          fee: '0.00200000',
          feeAsset: 'SOL',
          isMaker: false,
          time: T0,
        },
        {
          tradeId: 2,
          market: 'SOL_USDC',
          orderId: 5,
          side: 'BUY',
          price: '100.00',
          quantity: '0.500',
          quoteQuantity: '50.000000',
          fee: '0.00100000',
          feeAsset: 'SOL',
          isMaker: false,
          time: T0,
        },
      ],
      balances: [
        {
          type: 'BALANCE',
          seq: 9,
          time: T0,
          accountId: 'acc_1',
          asset: 'USDC',
          available: '800.000000',
          locked: '50.000000',
          availableDelta: '-200.000000',
          lockedDelta: '50.000000',
          cause: 'CREATE_ORDER',
        },
      ] as AccountUpdate['balances'],
      withdrawals: [],
    };
    const events = userDataEvents(update, registry).map((json) => JSON.parse(json));
    expect(events.map((e) => [e.e, e.x, e.X, e.z])).toEqual([
      ['executionReport', 'NEW', 'NEW', '0.000'],
      ['executionReport', 'TRADE', 'PARTIALLY_FILLED', '1.000'],
      ['executionReport', 'TRADE', 'PARTIALLY_FILLED', '1.500'],
      ['outboundAccountPosition', undefined, undefined, undefined],
    ]);
    const binanceFields = 'C E F I L M N O P Q S T V W X Y Z c e f g i l m n o p q r s t w x z'.split(' ');
    for (const json of userDataEvents(update, registry).slice(0, 3))
      expect(keysOf(json)).toEqual(binanceFields.sort());
    expect(events[2]).toMatchObject({
      n: '0.00100000',
      N: 'SOL',
      t: 2,
      L: '100.00',
      l: '0.500',
      Z: '150.000000',
      Y: '50.000000',
    });
    expect(events[3]).toEqual({
      e: 'outboundAccountPosition',
      E: T0,
      u: T0,
      B: [{ a: 'USDC', f: '800.000000', l: '50.000000' }],
    });
  });

  it('reports a stop order’s stop price, list and trailing delta, and its working time only once it works', () => {
    // Prepare: an OCO's trailing stop-loss leg, accepted and waiting, then triggered
    const stop = {
      type: 'ORDER',
      seq: 3,
      time: T0,
      market: 'SOL_USDC',
      orderId: 7,
      accountId: 'acc_1',
      clientOrderId: 'sl-1',
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      timeInForce: 'GTC',
      postOnly: false,
      selfTradePrevention: 'NONE',
      price: '94.00',
      quantity: '1.000',
      quoteQuantity: null,
      filledQuantity: '0.000',
      filledQuote: '0.000000',
      status: 'NEW',
      reason: null,
      createdAt: T0,
      stopPrice: '95.00',
      trailingDelta: 150,
      workingTime: -1,
      orderListId: 4,
      listClientOrderId: 'oco-1',
    } as const;
    const report = (order: object, time: number) =>
      JSON.parse(
        userDataEvents(
          {
            type: 'ACCOUNT',
            accountId: 'acc_1',
            seq: 3,
            time,
            orders: [order],
            fills: [],
            balances: [],
            withdrawals: [],
          } as unknown as AccountUpdate,
          registry,
        )[0] ?? '',
      );

    // Act
    const waiting = report(stop, T0);
    const working = report({ ...stop, seq: 4, time: T0 + 5, workingTime: T0 + 5 }, T0 + 5);

    // Assess
    expect(waiting).toMatchObject({ e: 'executionReport', o: 'STOP_LOSS_LIMIT', P: '95.00', g: 4, d: 150 });
    expect(waiting).not.toHaveProperty('W');
    expect(working).toMatchObject({ P: '95.00', g: 4, d: 150, W: T0 + 5 });
  });

  it('reports a deposit as balanceUpdate, and wraps events for the WebSocket API', () => {
    const update = {
      type: 'ACCOUNT',
      accountId: 'acc_1',
      seq: 3,
      time: T0,
      orders: [],
      fills: [],
      balances: [
        {
          type: 'BALANCE',
          seq: 3,
          time: T0,
          accountId: 'acc_1',
          asset: 'USDC',
          available: '10.000000',
          locked: '0.000000',
          availableDelta: '10.000000',
          lockedDelta: '0.000000',
          cause: 'DEPOSIT',
        },
      ],
      withdrawals: [],
    } as unknown as AccountUpdate;
    const [balance] = userDataEvents(update, registry);
    expect(JSON.parse(balance ?? '')).toEqual({
      e: 'balanceUpdate',
      E: T0,
      a: 'USDC',
      d: '10.000000',
      T: T0,
    });
    expect(JSON.parse(subscriptionEvent(balance ?? ''))).toEqual({
      subscriptionId: 0,
      event: JSON.parse(balance ?? ''),
    });
    expect(JSON.parse(listenKeyExpiredEvent('k', T0))).toEqual({
      e: 'listenKeyExpired',
      E: T0,
      listenKey: 'k',
    });
  });
});

describe('user data on a /stream connection', () => {
  it('wraps each event as {"stream":<listenKey>,"data":…}, and sends none for an account without a key', () => {
    // Prepare
    const update = {
      type: 'ACCOUNT',
      accountId: 'acc_1',
      seq: 3,
      time: T0,
      orders: [],
      fills: [],
      balances: [
        {
          type: 'BALANCE',
          seq: 3,
          time: T0,
          accountId: 'acc_1',
          asset: 'USDC',
          available: '10.000000',
          locked: '0.000000',
          availableDelta: '10.000000',
          lockedDelta: '0.000000',
          cause: 'DEPOSIT',
        },
      ],
      withdrawals: [],
    } as unknown as AccountUpdate;
    const wanted = new Set(['account@acc_1@user', 'account@acc_1@user/combined']);
    const withKey = new StreamRouter({
      registry,
      wanted: (s) => wanted.has(s),
      listenKeyOf: (accountId) => (accountId === 'acc_1' ? 'k1' : undefined),
    });
    const withoutKey = new StreamRouter({ registry, wanted: (s) => wanted.has(s) });
    // Act
    const out = withKey.onMessage('account@acc_1', JSON.stringify(update));
    const unkeyed = withoutKey.onMessage('account@acc_1', JSON.stringify(update));
    // Assess
    const events = userDataEvents(update, registry).map((e) => JSON.parse(e));
    expect(out.filter((o) => o.stream === 'account@acc_1@user').map((o) => JSON.parse(o.frame))).toEqual(
      events,
    );
    expect(
      out.filter((o) => o.stream === 'account@acc_1@user/combined').map((o) => JSON.parse(o.frame)),
    ).toEqual(events.map((data) => ({ stream: 'k1', data })));
    expect(unkeyed.map((o) => o.stream)).toEqual(events.map(() => 'account@acc_1@user'));
  });
});

describe('listenKeyExpired', () => {
  it('ends the stream of each gone key, raw or wrapped, and keeps an account another live key names', () => {
    // Prepare
    const connections: ListenKeyConnection[] = [
      { connectionId: 'raw', listenKeys: { k1: 'a1' }, combined: false },
      { connectionId: 'wrapped', listenKeys: { k1: 'a1', k2: 'a2' }, combined: true },
      { connectionId: 'both', listenKeys: { k1: 'a1', k3: 'a1' }, combined: false },
      { connectionId: 'alive', listenKeys: { k2: 'a2' }, combined: false },
    ];
    // Act
    const expiries = expiredListenKeys(connections, new Set(['k2', 'k3']), T0);
    // Assess
    const event = { e: 'listenKeyExpired', E: T0, listenKey: 'k1' };
    expect(expiries.map((e) => ({ ...e, frame: JSON.parse(e.frame) }))).toEqual([
      { connectionId: 'raw', frame: event, streams: ['account@a1@user'], remaining: {} },
      {
        connectionId: 'wrapped',
        frame: { stream: 'k1', data: event },
        streams: ['account@a1@user/combined'],
        remaining: { k2: 'a2' },
      },
      { connectionId: 'both', frame: event, streams: [], remaining: { k3: 'a1' } },
    ]);
  });
});
