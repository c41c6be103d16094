import { ASSET_CONFIG, createMarketRegistry, MARKET_CONFIG } from '@exchange/protocol';
import { funded, Harness, ofType, type Step, timeOf } from './harness.js';

/** One trade of 0.1 SOL at `price` between dave (buyer) and bob (seller), leaving the book as it was; answers the trading command. */
function tradeAt(h: Harness, price: string): Step {
  h.limit('dave', 'SOL_USDC', 'BUY', price, '0.1');
  return h.limit('bob', 'SOL_USDC', 'SELL', price, '0.1');
}

/** The common cast, with a last trade price of 100.00. */
function atHundred(): Harness {
  const h = funded();
  tradeAt(h, '100.00');
  return h;
}

function stop(h: Harness, accountId: string, fields: Record<string, unknown>) {
  return h.send({ type: 'CREATE_ORDER', accountId, market: 'SOL_USDC', ...fields });
}

describe('a stop or take-profit order when accepted', () => {
  it('waits with status NEW and workingTime -1, its funds locked as the limit order it becomes', () => {
    // Prepare
    const h = atHundred();

    // Act
    const placed = stop(h, 'carol', {
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '95.00',
      price: '94.00',
      quantity: '1',
    });

    // Assess
    expect(placed.code).toBeNull();
    expect(ofType(placed.events, 'ORDER')).toMatchObject([
      { orderType: 'STOP_LOSS_LIMIT', status: 'NEW', stopPrice: '95.00', price: '94.00', workingTime: -1 },
    ]);
    expect(ofType(placed.events, 'DEPTH')).toEqual([]);
    expect(h.balance('carol', 'SOL')).toEqual({ available: '9.00000000', locked: '1.00000000' });
    expect(h.openOrderIds('carol')).toEqual([placed.seq]);
  });

  it('a market-type buy sized by quantity locks all available quote, as a market order would, and a cancel returns it exactly', () => {
    // Prepare
    const h = atHundred();
    const placed = stop(h, 'alice', {
      side: 'BUY',
      orderType: 'TAKE_PROFIT',
      stopPrice: '90.00',
      quantity: '1',
    });
    expect(h.balance('alice', 'USDC')).toEqual({ available: '0.000000', locked: '1000.000000' });

    // Act
    const cancel = h.cancel('alice', 'SOL_USDC', { orderId: placed.seq });

    // Assess
    expect(ofType(cancel.events, 'ORDER')).toMatchObject([
      { status: 'CANCELED', reason: 'CANCELED_BY_USER' },
    ]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '1000.000000', locked: '0.000000' });
  });

  it('with no trade yet in the market waits whatever its stop price', () => {
    // Prepare
    const h = funded();

    // Act
    const placed = stop(h, 'bob', {
      side: 'SELL',
      orderType: 'STOP_LOSS',
      stopPrice: '500.00',
      quantity: '1',
    });

    // Assess
    expect(placed.code).toBeNull();
  });
});

describe('rejections of stop and take-profit orders', () => {
  it.each([
    ['SELL', 'STOP_LOSS', '100.00'],
    ['SELL', 'STOP_LOSS', '101.00'],
    ['BUY', 'STOP_LOSS', '100.00'],
    ['BUY', 'STOP_LOSS', '99.00'],
    ['SELL', 'TAKE_PROFIT', '99.00'],
    ['BUY', 'TAKE_PROFIT', '101.00'],
  ])('a %s %s at %s would trigger immediately at a last price of 100.00', (side, orderType, stopPrice) => {
    // Prepare
    const h = atHundred();
    const before = h.state();

    // Act
    const placed = stop(h, side === 'BUY' ? 'alice' : 'carol', { side, orderType, stopPrice, quantity: '1' });

    // Assess
    expect(placed.code).toBe('WOULD_TRIGGER');
    expect(h.state()).toBe(before);
  });

  it.each([
    ['no stopPrice and no trailingDelta', { orderType: 'STOP_LOSS', quantity: '1' }, 'INVALID_COMMAND'],
    [
      'postOnly',
      { orderType: 'STOP_LOSS_LIMIT', stopPrice: '90', price: '90', quantity: '1', postOnly: true },
      'INVALID_COMMAND',
    ],
    [
      'a price on a market-type stop',
      { orderType: 'STOP_LOSS', stopPrice: '90', price: '90', quantity: '1' },
      'INVALID_COMMAND',
    ],
    [
      'a stopPrice on a limit order',
      { orderType: 'LIMIT', stopPrice: '90', price: '90', quantity: '1' },
      'INVALID_COMMAND',
    ],
    [
      'a stopPrice off the tick grid',
      { orderType: 'STOP_LOSS', stopPrice: '90.001', quantity: '1' },
      'PRICE_FILTER',
    ],
    [
      'a trailingDelta below the market range',
      { orderType: 'STOP_LOSS', trailingDelta: 5, quantity: '1' },
      'TRAILING_DELTA',
    ],
    [
      'a trailingDelta above the market range',
      { orderType: 'STOP_LOSS', trailingDelta: 2001, quantity: '1' },
      'TRAILING_DELTA',
    ],
    [
      'more than the account holds',
      { orderType: 'STOP_LOSS', stopPrice: '90', quantity: '11' },
      'INSUFFICIENT_FUNDS',
    ],
  ])('a sell with %s is refused', (_, fields, code) => {
    // Prepare
    const h = atHundred();

    // Act
    const placed = stop(h, 'carol', { side: 'SELL', ...fields });

    // Assess
    expect(placed.code).toBe(code);
  });

  it('a stop beyond the market MAX_NUM_ALGO_ORDERS is refused; one cancelled makes room', () => {
    // Prepare
    const registry = createMarketRegistry(
      ASSET_CONFIG,
      MARKET_CONFIG.map((m) => ({ ...m, maxNumAlgoOrders: 1 })),
    );
    const h = new Harness(registry);
    h.deposit('carol', 'SOL', '10');
    const first = stop(h, 'carol', { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: '90', quantity: '1' });

    // Act
    const second = stop(h, 'carol', { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: '89', quantity: '1' });
    h.cancel('carol', 'SOL_USDC', { orderId: first.seq });
    const third = stop(h, 'carol', { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: '89', quantity: '1' });

    // Assess
    expect(first.code).toBeNull();
    expect(second.code).toBe('MAX_NUM_ALGO_ORDERS');
    expect(third.code).toBeNull();
  });

  it('an order beyond the market MAX_NUM_ORDERS is refused', () => {
    // Prepare
    const registry = createMarketRegistry(
      ASSET_CONFIG,
      MARKET_CONFIG.map((m) => ({ ...m, maxNumOrders: 1 })),
    );
    const h = new Harness(registry);
    h.deposit('alice', 'USDC', '1000');
    h.limit('alice', 'SOL_USDC', 'BUY', '10', '1');

    // Act
    const second = h.limit('alice', 'SOL_USDC', 'BUY', '11', '1');

    // Assess
    expect(second.code).toBe('MAX_NUM_ORDERS');
  });
});

describe('triggering', () => {
  it('a sell STOP_LOSS_LIMIT fires when the last price falls to its stop and rests at its limit', () => {
    // Prepare
    const h = atHundred();
    const placed = stop(h, 'carol', {
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '95.00',
      price: '94.00',
      quantity: '1',
    });

    // Act
    h.limit('dave', 'SOL_USDC', 'BUY', '95.00', '0.1');
    const trade = h.limit('bob', 'SOL_USDC', 'SELL', '95.00', '0.1');

    // Assess
    const carol = ofType(trade.events, 'ORDER').filter((o) => o.orderId === placed.seq);
    expect(carol).toMatchObject([
      { status: 'NEW', workingTime: timeOf(trade.seq) },
      { status: 'NEW', workingTime: timeOf(trade.seq), price: '94.00' },
    ]);
    expect(h.depth('SOL_USDC').asks).toEqual([['94.00', '1.000']]);
    expect(h.balance('carol', 'SOL')).toEqual({ available: '9.00000000', locked: '1.00000000' });
  });

  it('a buy STOP_LOSS fires on a rise and buys with the quote it locked, returning the rest', () => {
    // Prepare
    const h = atHundred();
    stop(h, 'alice', { side: 'BUY', orderType: 'STOP_LOSS', stopPrice: '105.00', quoteQuantity: '50' });
    h.limit('carol', 'SOL_USDC', 'SELL', '106.00', '1');

    // Act
    tradeAt(h, '105.00');

    // Assess
    const alice = h.balance('alice', 'USDC');
    expect(alice.locked).toBe('0.000000');
    expect(alice.available).toBe('950.074000'); // 0.471 SOL at 106.00 = 49.926 USDC
    expect(h.depth('SOL_USDC').asks).toEqual([['106.00', '0.529']]);
  });

  it('a sell TAKE_PROFIT_LIMIT fires on a rise; a buy TAKE_PROFIT_LIMIT on a fall', () => {
    // Prepare
    const h = atHundred();
    const sell = stop(h, 'carol', {
      side: 'SELL',
      orderType: 'TAKE_PROFIT_LIMIT',
      stopPrice: '110.00',
      price: '111.00',
      quantity: '1',
    });
    const buy = stop(h, 'alice', {
      side: 'BUY',
      orderType: 'TAKE_PROFIT_LIMIT',
      stopPrice: '90.00',
      price: '89.00',
      quantity: '1',
    });

    // Act
    tradeAt(h, '110.00');
    const afterRise = h.openOrderIds('carol');
    tradeAt(h, '90.00');

    // Assess
    expect(afterRise).toEqual([sell.seq]);
    expect(h.engine.order(sell.seq)?.workingTime).toBeGreaterThan(0);
    expect(h.engine.order(buy.seq)?.workingTime).toBeGreaterThan(0);
    expect(h.depth('SOL_USDC')).toMatchObject({ bids: [['89.00', '1.000']], asks: [['111.00', '1.000']] });
  });

  it('stops fired together enter by trigger price, then acceptance, and a cascade runs in the same command', () => {
    // Prepare
    const h = atHundred();
    h.deposit('carol', 'SOL', '10');
    const lowStop = stop(h, 'carol', {
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '95',
      price: '90',
      quantity: '0.5',
    });
    const first97 = stop(h, 'bob', {
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '97',
      price: '90',
      quantity: '0.5',
    });
    const second97 = stop(h, 'carol', {
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '97',
      price: '90',
      quantity: '0.5',
    });
    h.limit('dave', 'SOL_USDC', 'BUY', '93.00', '5');

    // Act
    h.limit('dave', 'SOL_USDC', 'BUY', '97.00', '0.1');
    const trade = h.limit('bob', 'SOL_USDC', 'SELL', '97.00', '0.1');

    // Assess: each fired order's first event is its trigger (NEW, working from now)
    const fired = ofType(trade.events, 'ORDER').filter(
      (o) => o.status === 'NEW' && o.workingTime === timeOf(trade.seq),
    );
    expect(fired.map((o) => o.orderId)).toEqual([first97.seq, second97.seq, lowStop.seq]);
    expect(ofType(trade.events, 'TRADE').map((t) => t.price)).toEqual(['97.00', '93.00', '93.00', '93.00']);
    expect(h.depth('SOL_USDC').bids).toEqual([['93.00', '3.500']]);
  });

  it('a FOK stop-limit the book cannot fill when it fires expires and unlocks what it held', () => {
    // Prepare
    const h = atHundred();
    stop(h, 'carol', {
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '95',
      price: '94',
      quantity: '1',
      timeInForce: 'FOK',
    });

    // Act
    const trade = (() => {
      h.limit('dave', 'SOL_USDC', 'BUY', '95.00', '0.1');
      return h.limit('bob', 'SOL_USDC', 'SELL', '95.00', '0.1');
    })();

    // Assess
    expect(ofType(trade.events, 'ORDER').at(-1)).toMatchObject({
      status: 'EXPIRED',
      reason: 'FOK_UNFILLABLE',
    });
    expect(h.balance('carol', 'SOL')).toEqual({ available: '10.00000000', locked: '0.00000000' });
  });

  it('a triggered order keeps its own self-trade prevention mode', () => {
    // Prepare
    const h = atHundred();
    h.deposit('carol', 'USDC', '1000');
    h.limit('carol', 'SOL_USDC', 'BUY', '94.00', '1');
    const placed = stop(h, 'carol', {
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '95',
      price: '94',
      quantity: '1',
      selfTradePrevention: 'EXPIRE_TAKER',
    });

    // Act
    h.limit('dave', 'SOL_USDC', 'BUY', '95.00', '0.1');
    const trade = h.limit('bob', 'SOL_USDC', 'SELL', '95.00', '0.1');

    // Assess
    expect(
      ofType(trade.events, 'ORDER')
        .filter((o) => o.orderId === placed.seq)
        .at(-1),
    ).toMatchObject({
      status: 'EXPIRED',
      reason: 'SELF_TRADE_PREVENTION',
    });
    expect(h.depth('SOL_USDC').bids).toEqual([['94.00', '1.000']]);
  });
});

describe('trailing stops', () => {
  it('a sell with trailingDelta tracks the highest price from the next trade and fires that many bps below it', () => {
    // Prepare
    const h = atHundred();
    h.limit('alice', 'SOL_USDC', 'BUY', '90.00', '1');
    const placed = stop(h, 'carol', {
      side: 'SELL',
      orderType: 'STOP_LOSS',
      trailingDelta: 500,
      quantity: '1',
    });
    tradeAt(h, '100.00');
    tradeAt(h, '104.00');

    // Act
    tradeAt(h, '98.81');
    const stillWaiting = h.engine.order(placed.seq)?.workingTime;
    tradeAt(h, '98.80'); // 104.00 × 0.95

    // Assess
    expect(stillWaiting).toBe(-1);
    expect(h.engine.order(placed.seq)).toBeUndefined();
    expect(h.balance('carol', 'SOL')).toEqual({ available: '9.00000000', locked: '0.00000000' });
    expect(h.depth('SOL_USDC').bids).toEqual([]);
  });

  it('a buy with stopPrice and trailingDelta starts tracking only once the stop price is reached', () => {
    // Prepare
    const h = atHundred();
    h.limit('carol', 'SOL_USDC', 'SELL', '120.00', '1');
    const placed = stop(h, 'alice', {
      side: 'BUY',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '102.00',
      trailingDelta: 100,
      price: '120.00',
      quantity: '1',
    });
    tradeAt(h, '90.00'); // ignored: not tracking yet
    tradeAt(h, '102.00'); // starts tracking from 102.00
    tradeAt(h, '101.00'); // new low

    // Act
    tradeAt(h, '102.00');
    const waiting = h.engine.order(placed.seq)?.workingTime;
    tradeAt(h, '102.01'); // 101.00 × 1.01

    // Assess
    expect(waiting).toBe(-1);
    expect(h.engine.order(placed.seq)).toBeUndefined();
    expect(h.balance('alice', 'SOL').available).toBe('0.99800000'); // 1 SOL less the 20 bps taker fee
  });

  it('one whose stop price is reached while a plain stop above it fires first follows from the price that reached it', () => {
    // Prepare
    const h = atHundred();
    h.limit('dave', 'SOL_USDC', 'BUY', '97.00', '0.1');
    h.limit('dave', 'SOL_USDC', 'BUY', '97.30', '0.1');
    stop(h, 'carol', { side: 'SELL', orderType: 'STOP_LOSS', stopPrice: '99.00', quantity: '0.1' });
    const trailing = stop(h, 'bob', {
      side: 'SELL',
      orderType: 'STOP_LOSS',
      stopPrice: '98.50',
      trailingDelta: 100,
      quantity: '0.1',
    });

    // Act
    const trade = tradeAt(h, '98.40'); // reaches both; carol's sale then takes the price to 97.30

    // Assess: from 98.40 it fires at 97.41, which 97.30 reaches (from 97.30 it would wait)
    expect(ofType(trade.events, 'ORDER').filter((o) => o.orderId === trailing.seq)).toMatchObject([
      { status: 'NEW', workingTime: timeOf(trade.seq) },
      { status: 'FILLED' },
    ]);
    expect(h.depth('SOL_USDC').bids).toEqual([]);
  });
});

describe('snapshot and restore with waiting stops', () => {
  it('restore gives the same future, trailing references included', () => {
    // Prepare
    const h = atHundred();
    stop(h, 'carol', { side: 'SELL', orderType: 'STOP_LOSS', trailingDelta: 300, quantity: '1' });
    stop(h, 'bob', {
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '96',
      price: '95',
      quantity: '1',
    });
    stop(h, 'alice', { side: 'BUY', orderType: 'STOP_LOSS', stopPrice: '104', quoteQuantity: '10' });
    h.limit('dave', 'SOL_USDC', 'BUY', '90.00', '5');
    h.limit('carol', 'SOL_USDC', 'SELL', '110.00', '1');
    tradeAt(h, '103.00');
    const restored = Harness.restore(h.engine.snapshot());
    const future = (x: Harness) => [tradeAt(x, '104.00'), tradeAt(x, '99.00'), tradeAt(x, '95.00')];

    // Act
    const a = [future(h), h.engine.snapshot()];
    const b = [future(restored), restored.engine.snapshot()];

    // Assess
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(h.state()).toBe(restored.state());
  });
});

describe("a stop that fired and rests among its account's open orders", () => {
  it('is listed, and cancelled by CANCEL_ALL, in id order, as after a restore', () => {
    // Prepare
    const h = atHundred();
    const fired = stop(h, 'carol', {
      side: 'SELL',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '95.00',
      price: '94.00',
      quantity: '1',
    });
    const younger = h.limit('carol', 'SOL_USDC', 'SELL', '110.00', '1');
    tradeAt(h, '95.00');
    const restored = Harness.restore(h.engine.snapshot());

    // Act
    const listed = h.openOrderIds('carol');
    const cancelled = ofType(h.cancelAll('carol', 'SOL_USDC').events, 'ORDER').map((o) => o.orderId);

    // Assess
    expect(listed).toEqual([fired.seq, younger.seq]);
    expect(restored.openOrderIds('carol')).toEqual(listed);
    expect(cancelled).toEqual([fired.seq, younger.seq]);
  });
});
