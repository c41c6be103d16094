/** The Redis read models' encodings (account and market) and the market-data messages: what is written reads back. */
import {
  balanceField,
  balancesReadModelOf,
  bookTickerJson,
  bookTickerReadModelOf,
  createMarketRegistry,
  DEPTH_ASK_FIELD,
  DEPTH_BID_FIELD,
  depthReadModelOf,
  type OpenOrder,
  openOrderField,
  openOrdersReadModelOf,
  type PublicTrade,
  publicTradesJson,
  publicTradesOf,
} from '../src/index.js';

const registry = createMarketRegistry();

/** An open order's JSON as the engine writes it into `orders:{accountId}`. */
function openOrder(orderId: number): OpenOrder {
  return {
    time: 1_000 + orderId,
    market: 'SOL_USDC',
    orderId,
    accountId: 'a-1',
    clientOrderId: null,
    side: 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'GTC',
    postOnly: false,
    selfTradePrevention: 'EXPIRE_MAKER',
    price: '100.00',
    quantity: '1.000',
    quoteQuantity: null,
    filledQuantity: '0.000',
    filledQuote: '0.000000',
    status: 'NEW',
    reason: null,
    createdAt: 1_000 + orderId,
    // A plain order's stop and list terms, absent as the engine's events leave them.
    stopPrice: undefined,
    trailingDelta: undefined,
    workingTime: undefined,
    orderListId: undefined,
    listClientOrderId: undefined,
  };
}

describe('account read-model hashes', () => {
  it('shows every asset in registry order, zero at its decimals where the hash has no field', () => {
    // Act
    const model = balancesReadModelOf('a-1', registry.assets, {
      seq: '42',
      SOL: balanceField(150_000_000, 25_000_000),
    });

    // Assess
    expect(model).toEqual({
      accountId: 'a-1',
      seq: 42,
      balances: [
        { asset: 'USDC', available: '0.000000', locked: '0.000000' },
        { asset: 'SOL', available: '1.50000000', locked: '0.25000000' },
        { asset: 'BTC', available: '0.00000000', locked: '0.00000000' },
        { asset: 'ETH', available: '0.00000000', locked: '0.00000000' },
      ],
    });
  });

  it('lists resting orders oldest first whatever order the hash returns them in', () => {
    // Act
    const model = openOrdersReadModelOf('a-1', {
      '12': openOrderField(openOrder(12)),
      seq: '9',
      '3': openOrderField(openOrder(3)),
      '100': openOrderField(openOrder(100)),
    });

    // Assess: each order whole, keys in the schema's order
    expect(model.seq).toBe(9);
    expect(model.orders).toEqual([openOrder(3), openOrder(12), openOrder(100)]);
    expect(Object.keys(model.orders[0] ?? {})).toEqual(Object.keys(openOrder(3)));
  });

  it('writes a plain order without the stop and list terms, and reads back each term it wrote', () => {
    // Prepare: a plain order, a waiting stop in a list, and one term set alone
    const plain = openOrder(7);
    const stop: OpenOrder = {
      ...openOrder(8),
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '95.00',
      workingTime: -1,
      orderListId: 4,
      listClientOrderId: 'oco-1',
    };
    const trailing: OpenOrder = { ...openOrder(9), trailingDelta: 150 };

    // Act
    const fields = { '7': openOrderField(plain), '8': openOrderField(stop), '9': openOrderField(trailing) };
    const model = openOrdersReadModelOf('a-1', { ...fields, seq: '1' });

    // Assess
    expect(JSON.parse(fields['7'])).toHaveLength(16);
    expect(JSON.parse(fields['8'])).toHaveLength(21);
    expect(JSON.parse(fields['9'])).toHaveLength(18);
    expect(model.orders).toEqual([plain, stop, trailing]);
  });

  it('keeps when a partly filled order last changed apart from when it was placed', () => {
    // Prepare
    const partlyFilled: OpenOrder = {
      ...openOrder(5),
      filledQuantity: '0.400',
      filledQuote: '40.000000',
      status: 'PARTIALLY_FILLED',
      time: 2_500,
    };

    // Act
    const model = openOrdersReadModelOf('a-1', { '5': openOrderField(partlyFilled), seq: '3' });

    // Assess
    expect(model.orders[0]?.createdAt).toBe(1_005);
    expect(model.orders[0]?.time).toBe(2_500);
  });

  it('reads a plain order whose terms are spelled out at their plain values as the plain order', () => {
    // Prepare: the plain order's tuple with every stop and list term written out
    const plain = openOrder(7);
    const spelled = [...JSON.parse(openOrderField(plain)), null, 0, plain.createdAt, -1, null];

    // Act
    const model = openOrdersReadModelOf('a-1', { '7': JSON.stringify(spelled), seq: '1' });

    // Assess
    expect(model.orders).toEqual([plain]);
  });

  it('reads an absent key (an empty hash) as the empty state at seq 0', () => {
    // Act & Assess
    expect(openOrdersReadModelOf('a-2', {})).toEqual({ accountId: 'a-2', seq: 0, orders: [] });
    expect(balancesReadModelOf('a-2', registry.assets, {}).seq).toBe(0);
  });
});

describe('market read models and messages', () => {
  it('reads the depth hash as levels best first, whatever order the hash returns them in', () => {
    // Act
    const model = depthReadModelOf('SOL_USDC', {
      [`${DEPTH_BID_FIELD}99.50`]: '1.000',
      seq: '7',
      [`${DEPTH_ASK_FIELD}101.00`]: '2.000',
      [`${DEPTH_BID_FIELD}100.00`]: '3.000',
      lastUpdateId: '4',
      [`${DEPTH_ASK_FIELD}100.50`]: '5.000',
      [`${DEPTH_BID_FIELD}9.99`]: '6.000',
    });

    // Assess
    expect(model).toEqual({
      market: 'SOL_USDC',
      seq: 7,
      lastUpdateId: 4,
      bids: [
        ['100.00', '3.000'],
        ['99.50', '1.000'],
        ['9.99', '6.000'],
      ],
      asks: [
        ['100.50', '5.000'],
        ['101.00', '2.000'],
      ],
    });
    expect(depthReadModelOf('BTC_USDC', {})).toEqual({
      market: 'BTC_USDC',
      seq: 0,
      lastUpdateId: 0,
      bids: [],
      asks: [],
    });
  });

  it('gives back the trades and book ticker it encoded, keys in the schema order, as JSON.stringify prints them', () => {
    // Prepare
    const trade: PublicTrade = {
      type: 'TRADE',
      seq: 3,
      time: 1_000,
      market: 'SOL_USDC',
      tradeId: 2,
      price: '100.00',
      quantity: '1.000',
      quoteQuantity: '100.000000',
      takerSide: 'BUY',
    };
    const book = {
      market: 'SOL_USDC',
      seq: 3,
      updateId: 2,
      bidPrice: null,
      bidQty: null,
      askPrice: '100.00',
      askQty: '1.000',
    };

    // Act
    const trades = publicTradesOf('SOL_USDC', publicTradesJson([trade, { ...trade, tradeId: 3 }]));
    const decoded = bookTickerReadModelOf('SOL_USDC', bookTickerJson(book));

    // Assess
    expect(trades.map((t) => JSON.stringify(t))).toEqual([
      JSON.stringify(trade),
      JSON.stringify({ ...trade, tradeId: 3 }),
    ]);
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(book));
  });
});
