import { Harness, ofType, timeOf } from './harness.js';

/** Alice and dave hold USDC, bob and carol SOL, erin ETH. */
function funded(): Harness {
  const h = new Harness();
  h.deposit('alice', 'USDC', '10000');
  h.deposit('dave', 'USDC', '10000');
  h.deposit('bob', 'SOL', '10');
  h.deposit('carol', 'SOL', '10');
  h.deposit('erin', 'ETH', '1');
  return h;
}

describe('ids', () => {
  it('an order’s id is the sequence of the command that created it, and createdAt its time', () => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.deposit('bob', 'SOL', '10');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');

    // Assess
    expect(ofType(buy.events, 'ORDER')).toMatchObject([{ orderId: 3, createdAt: 1_700_000_003_000 }]);
    expect(buy.events[0]).toMatchObject({ seq: 3, time: 1_700_000_003_000 });
  });

  it('a maker’s later events still carry the time it was created', () => {
    // Prepare
    const h = funded();
    const ask = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '2');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');

    // Assess
    expect(ofType(buy.events, 'ORDER')[0]).toMatchObject({
      orderId: ask.seq,
      createdAt: timeOf(ask.seq),
      time: timeOf(buy.seq),
    });
  });

  it('trade ids count from 1 in each market', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '2');
    h.limit('erin', 'ETH_USDC', 'SELL', '2000.00', '1');

    // Act
    const solFirst = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    const ethFirst = h.limit('alice', 'ETH_USDC', 'BUY', '2000.00', '0.5');
    const solThenEth = [
      h.limit('dave', 'SOL_USDC', 'BUY', '100.00', '1'),
      h.limit('dave', 'ETH_USDC', 'BUY', '2000.00', '0.5'),
    ];

    // Assess
    expect(ofType(solFirst.events, 'TRADE')).toMatchObject([{ market: 'SOL_USDC', tradeId: 1 }]);
    expect(ofType(ethFirst.events, 'TRADE')).toMatchObject([{ market: 'ETH_USDC', tradeId: 1 }]);
    expect(solThenEth.flatMap((step) => ofType(step.events, 'TRADE'))).toMatchObject([
      { market: 'SOL_USDC', tradeId: 2 },
      { market: 'ETH_USDC', tradeId: 2 },
    ]);
  });

  it('trade ids go on counting within one command that fills several makers', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.50', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '101.00', '3');

    // Assess
    expect(ofType(buy.events, 'TRADE').map((t) => t.tradeId)).toEqual([1, 2, 3]);
  });
});

describe('the execute contract', () => {
  it.each([
    ['the same sequence again', 2],
    ['an earlier sequence', 1],
    ['a fractional sequence', 2.5],
    ['NaN', Number.NaN],
    ['a sequence past 2^53−1', 2 ** 53],
  ])('throws on %s, changing nothing', (_, seq) => {
    // Prepare
    const h = new Harness();
    h.deposit('alice', 'USDC', '1000');
    h.deposit('alice', 'USDC', '1');
    const before = JSON.stringify(h.engine.snapshot());

    // Act
    const act = () =>
      h.engine.execute({ type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: 1 }, seq, timeOf(3));

    // Assess
    expect(act).toThrow('does not follow 2');
    expect(JSON.stringify(h.engine.snapshot())).toBe(before);
  });

  it('accepts gaps in the sequence', () => {
    // Prepare
    const h = new Harness();

    // Act
    const result = h.engine.execute({ type: 'DEPOSIT', accountId: 'alice', asset: 'USDC', amount: 1 }, 10, 5);

    // Assess
    expect(result).toMatchObject({ seq: 10, time: 5, code: null });
    expect(h.engine.sequence).toBe(10);
  });
});

describe('the book’s update id', () => {
  it('grows by one for each command that changes the book, and only for those', () => {
    // Prepare
    const h = funded();

    // Act
    const updateIds = [
      h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1'),
      h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1'),
      h.deposit('alice', 'USDC', '1'),
      h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '0.001'),
      h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { timeInForce: 'IOC' }),
      h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { timeInForce: 'FOK' }),
      h.market('alice', 'ETH_USDC', 'BUY', { quantity: '0.1' }),
      h.limit('erin', 'ETH_USDC', 'SELL', '2000.00', '1'),
      h.limit('dave', 'SOL_USDC', 'BUY', '101.00', '0.5'),
      h.cancelAll('carol', 'SOL_USDC'),
      h.cancelAll('alice', 'SOL_USDC'),
    ].map((step) => ofType(step.events, 'DEPTH').map((d) => [d.market, d.updateId]));

    // Assess
    expect(updateIds).toEqual([
      [['SOL_USDC', 1]],
      [['SOL_USDC', 2]],
      [],
      [],
      [],
      [],
      [],
      [['ETH_USDC', 1]],
      [['SOL_USDC', 3]],
      [],
      [['SOL_USDC', 4]],
    ]);
    expect(h.depth('SOL_USDC').lastUpdateId).toBe(4);
    expect(h.depth('ETH_USDC').lastUpdateId).toBe(1);
  });
});

describe('DEPTH events', () => {
  it('list each level the command changed once, in the order first changed, with its total now (0 when gone)', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '101.00', '1');
    h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '102.00', '1');

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '101.00', '3.5');

    // Assess
    expect(ofType(buy.events, 'DEPTH')).toMatchObject([
      {
        market: 'SOL_USDC',
        updateId: 5,
        bids: [['101.00', '0.500']],
        asks: [
          ['100.00', '0.000'],
          ['101.00', '0.000'],
        ],
      },
    ]);
  });

  it('report a partly filled level with what is left', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '2');

    // Act
    const buy = h.market('alice', 'SOL_USDC', 'BUY', { quantity: '1.25' });

    // Assess
    expect(ofType(buy.events, 'DEPTH')).toMatchObject([{ bids: [], asks: [['100.00', '1.750']] }]);
  });
});

describe('a price level emptied and used again', () => {
  it('starts from nothing when orders rest at that price again', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '101.00', '2');
    h.cancelAll('carol', 'SOL_USDC');

    // Act
    const again = [
      h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '0.5'),
      h.limit('dave', 'SOL_USDC', 'BUY', '99.00', '0.25'),
      h.limit('bob', 'SOL_USDC', 'SELL', '102.00', '1'),
    ];

    // Assess
    expect(again.map((step) => ofType(step.events, 'DEPTH')[0])).toMatchObject([
      { bids: [], asks: [['100.00', '0.500']] },
      { bids: [['99.00', '0.250']], asks: [] },
      { bids: [], asks: [['102.00', '1.000']] },
    ]);
    expect(h.depth('SOL_USDC')).toMatchObject({
      bids: [['99.00', '0.250']],
      asks: [
        ['100.00', '0.500'],
        ['102.00', '1.000'],
      ],
    });
  });

  it('fills in time order among the orders that rest there now', () => {
    // Prepare
    const h = funded();
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    const first = h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '1');
    const second = h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');

    // Act
    const buy = h.limit('dave', 'SOL_USDC', 'BUY', '100.00', '2');

    // Assess
    expect(ofType(buy.events, 'TRADE').map((t) => t.sellOrderId)).toEqual([first.seq, second.seq]);
    expect(h.depth('SOL_USDC')).toMatchObject({ bids: [], asks: [] });
  });
});

describe('the depth query', () => {
  it('aggregates orders by price level, best first on each side', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('dave', 'SOL_USDC', 'BUY', '99.50', '1');
    h.limit('dave', 'SOL_USDC', 'BUY', '100.00', '2');
    h.limit('bob', 'SOL_USDC', 'SELL', '102.00', '3');
    h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1');
    h.limit('carol', 'SOL_USDC', 'SELL', '101.00', '0.5');

    // Act
    const depth = h.depth('SOL_USDC');

    // Assess
    expect(depth).toEqual({
      lastUpdateId: 6,
      bids: [
        ['100.00', '3.000'],
        ['99.50', '1.000'],
      ],
      asks: [
        ['101.00', '1.500'],
        ['102.00', '3.000'],
      ],
    });
  });

  it('returns at most the requested number of levels per side', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1');
    h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1');
    h.limit('alice', 'SOL_USDC', 'BUY', '98.00', '1');

    // Act
    const depth = h.engine.depth('SOL_USDC', 2);

    // Assess
    expect(depth?.bids).toEqual([
      [10_000, 1_000],
      [9_900, 1_000],
    ]);
  });

  it('knows no unknown market', () => {
    // Prepare
    const h = funded();

    // Act
    const depth = h.engine.depth('DOGE_USDC');

    // Assess
    expect(depth).toBeUndefined();
  });
});
