import { funded, type Harness, ofType } from './harness.js';

function tradeAt(h: Harness, price: string): void {
  h.limit('dave', 'SOL_USDC', 'BUY', price, '0.1');
  h.limit('carol', 'SOL_USDC', 'SELL', price, '0.1');
}

function atHundred(): Harness {
  const h = funded();
  tradeAt(h, '100.00');
  return h;
}

/** Bob's sell OCO of 1 SOL: a limit maker at 110 above, a stop-loss limit at 95 (limit 94) below. */
function sellOco(h: Harness, fields: Record<string, unknown> = {}) {
  return h.send({
    type: 'CREATE_ORDER_LIST',
    accountId: 'bob',
    market: 'SOL_USDC',
    side: 'SELL',
    quantity: '1',
    above: { orderType: 'LIMIT', postOnly: true, price: '110.00', clientOrderId: 'tp' },
    below: { orderType: 'STOP_LOSS_LIMIT', stopPrice: '95.00', price: '94.00', clientOrderId: 'sl' },
    ...fields,
  });
}

describe('placing an OCO order list', () => {
  it('rests the limit maker, parks the stop, and locks the quantity once for both', () => {
    // Prepare
    const h = atHundred();

    // Act
    const list = sellOco(h);

    // Assess
    expect(list.code).toBeNull();
    const orders = ofType(list.events, 'ORDER');
    expect(orders).toMatchObject([
      { orderId: list.seq, clientOrderId: 'sl', orderListId: list.seq, workingTime: -1, status: 'NEW' },
      { orderId: list.seq + 1, clientOrderId: 'tp', orderListId: list.seq, status: 'NEW', postOnly: true },
    ]);
    expect(h.depth('SOL_USDC').asks).toEqual([['110.00', '1.000']]);
    expect(h.balance('bob', 'SOL')).toEqual({ available: '9.00000000', locked: '1.00000000' });
  });

  it('a buy list locks what the dearer leg needs', () => {
    // Prepare
    const h = atHundred();

    // Act
    const list = h.send({
      type: 'CREATE_ORDER_LIST',
      accountId: 'alice',
      market: 'SOL_USDC',
      side: 'BUY',
      quantity: '1',
      above: { orderType: 'STOP_LOSS_LIMIT', stopPrice: '105.00', price: '106.00' },
      below: { orderType: 'LIMIT', postOnly: true, price: '90.00' },
    });

    // Assess
    expect(list.code).toBeNull();
    expect(h.balance('alice', 'USDC')).toEqual({ available: '894.000000', locked: '106.000000' });
  });

  it('the next order after a list takes the id after the list orders', () => {
    // Prepare
    const h = atHundred();
    const list = sellOco(h);

    // Act
    const next = h.limit('alice', 'SOL_USDC', 'BUY', '50.00', '1');

    // Assess
    expect(next.seq).toBe(list.seq + 1);
    expect(ofType(next.events, 'ORDER')[0]?.orderId).toBe(list.seq + 2);
  });

  it.each([
    [
      'two limit makers',
      {
        above: { orderType: 'LIMIT', postOnly: true, price: '110' },
        below: { orderType: 'LIMIT', postOnly: true, price: '90' },
      },
      'INVALID_ORDER',
    ],
    [
      'a sell stop-loss above',
      {
        above: { orderType: 'STOP_LOSS', stopPrice: '110' },
        below: { orderType: 'LIMIT', postOnly: true, price: '90' },
      },
      'INVALID_ORDER',
    ],
    [
      'a plain limit leg (not a maker)',
      { above: { orderType: 'LIMIT', price: '110' }, below: { orderType: 'STOP_LOSS', stopPrice: '90' } },
      'INVALID_ORDER',
    ],
    [
      'the above price not above the below price',
      {
        above: { orderType: 'TAKE_PROFIT', stopPrice: '101' },
        below: { orderType: 'STOP_LOSS', stopPrice: '101' },
      },
      'ORDER_LIST_PRICES',
    ],
    [
      'a stop that would trigger at once',
      {
        above: { orderType: 'LIMIT', postOnly: true, price: '110' },
        below: { orderType: 'STOP_LOSS', stopPrice: '100' },
      },
      'WOULD_TRIGGER',
    ],
    [
      'a limit maker that would take',
      {
        above: { orderType: 'LIMIT', postOnly: true, price: '99' },
        below: { orderType: 'STOP_LOSS', stopPrice: '90' },
      },
      'WOULD_TAKE',
    ],
    ['more than the account holds', { quantity: '11' }, 'INSUFFICIENT_FUNDS'],
  ])('a sell list with %s is refused and changes nothing', (_, fields, code) => {
    // Prepare
    const h = atHundred();
    h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '0.1');
    const before = h.state();

    // Act
    const list = sellOco(h, fields);

    // Assess
    expect(list.code).toBe(code);
    expect(h.state()).toBe(before);
  });
});

describe('an OCO list at work', () => {
  it('when the limit leg fills, the stop leg expires in the same command', () => {
    // Prepare
    const h = atHundred();
    const list = sellOco(h);

    // Act
    const take = h.limit('alice', 'SOL_USDC', 'BUY', '110.00', '0.4');

    // Assess
    expect(ofType(take.events, 'ORDER').filter((o) => o.accountId === 'bob')).toMatchObject([
      { orderId: list.seq, status: 'EXPIRED', reason: 'ORDER_LIST_SIBLING' },
      { orderId: list.seq + 1, status: 'PARTIALLY_FILLED' },
    ]);
    expect(h.balance('bob', 'SOL')).toEqual({ available: '9.00000000', locked: '0.60000000' });
    expect(h.openOrderIds('bob')).toEqual([list.seq + 1]);
  });

  it('when the stop leg triggers, the limit leg expires and the stop works with the list lock', () => {
    // Prepare
    const h = atHundred();
    const list = sellOco(h);

    // Act
    h.limit('dave', 'SOL_USDC', 'BUY', '95.00', '0.1');
    const trade = h.limit('carol', 'SOL_USDC', 'SELL', '95.00', '0.1');

    // Assess
    expect(ofType(trade.events, 'ORDER').filter((o) => o.accountId === 'bob')).toMatchObject([
      { orderId: list.seq + 1, status: 'EXPIRED', reason: 'ORDER_LIST_SIBLING' },
      { orderId: list.seq, status: 'NEW', workingTime: expect.any(Number) },
      { orderId: list.seq, status: 'NEW', price: '94.00' },
    ]);
    expect(h.depth('SOL_USDC').asks).toEqual([['94.00', '1.000']]);
    expect(h.balance('bob', 'SOL')).toEqual({ available: '9.00000000', locked: '1.00000000' });
  });

  it('a buy list whose limit leg fills returns what only the stop leg needed', () => {
    // Prepare
    const h = atHundred();
    h.send({
      type: 'CREATE_ORDER_LIST',
      accountId: 'alice',
      market: 'SOL_USDC',
      side: 'BUY',
      quantity: '1',
      above: { orderType: 'STOP_LOSS_LIMIT', stopPrice: '105.00', price: '106.00' },
      below: { orderType: 'LIMIT', postOnly: true, price: '90.00' },
    });

    // Act
    h.limit('bob', 'SOL_USDC', 'SELL', '90.00', '0.5');

    // Assess
    expect(h.balance('alice', 'USDC')).toEqual({ available: '910.000000', locked: '45.000000' });
  });

  it('cancelling the list, or either of its orders, cancels both and unlocks once', () => {
    // Prepare
    const h = atHundred();
    const first = sellOco(h);
    const second = sellOco(h, {
      above: { orderType: 'LIMIT', postOnly: true, price: '111.00' },
      below: { orderType: 'STOP_LOSS', stopPrice: '94.00' },
    });

    // Act
    const byList = h.send({
      type: 'CANCEL_ORDER_LIST',
      accountId: 'bob',
      market: 'SOL_USDC',
      orderListId: first.seq,
    });
    // The first list took two order ids, so the second list's start one later than its seq.
    const secondStop = ofType(second.events, 'ORDER')[0]?.orderId as number;
    const byOrder = h.cancel('bob', 'SOL_USDC', { orderId: secondStop });

    // Assess
    expect([first.code, second.code, byList.code, byOrder.code]).toEqual([null, null, null, null]);
    for (const cancel of [byList, byOrder]) {
      expect(ofType(cancel.events, 'ORDER').map((o) => [o.status, o.reason])).toEqual([
        ['CANCELED', 'CANCELED_BY_USER'],
        ['CANCELED', 'CANCELED_BY_USER'],
      ]);
    }
    expect(h.balance('bob', 'SOL')).toEqual({ available: '10.00000000', locked: '0.00000000' });
    expect(h.depth('SOL_USDC').asks).toEqual([]);
    expect(
      h.send({ type: 'CANCEL_ORDER_LIST', accountId: 'bob', market: 'SOL_USDC', orderListId: first.seq })
        .code,
    ).toBe('UNKNOWN_ORDER_LIST');
  });

  it('another account cannot cancel the list', () => {
    // Prepare
    const h = atHundred();
    const list = sellOco(h);

    // Act
    const cancel = h.send({
      type: 'CANCEL_ORDER_LIST',
      accountId: 'carol',
      market: 'SOL_USDC',
      orderListId: list.seq,
    });

    // Assess
    expect(cancel.code).toBe('UNKNOWN_ORDER_LIST');
  });

  it('carries the list’s client id on its orders’ events, after the list is done and across a snapshot', () => {
    // Prepare: the limit maker half fills, so the stop expires and the list is done.
    const h = atHundred();
    const list = sellOco(h, { listClientOrderId: 'bob-list' });
    const half = h.limit('dave', 'SOL_USDC', 'BUY', '110.00', '0.5');
    const restored = (h.constructor as typeof import('./harness.js').Harness).restore(h.engine.snapshot());

    // Act
    const rest = (x: Harness) => x.limit('dave', 'SOL_USDC', 'BUY', '110.00', '0.5');
    const [original, again] = [rest(h), rest(restored)];

    // Assess
    expect(ofType(list.events, 'ORDER').map((o) => o.listClientOrderId)).toEqual(['bob-list', 'bob-list']);
    expect(
      ofType(half.events, 'ORDER')
        .filter((o) => o.accountId === 'bob')
        .map((o) => [o.clientOrderId, o.status, o.listClientOrderId]),
    ).toEqual([
      ['sl', 'EXPIRED', 'bob-list'],
      ['tp', 'PARTIALLY_FILLED', 'bob-list'],
    ]);
    const bobs = (events: typeof original.events) =>
      ofType(events, 'ORDER').filter((o) => o.accountId === 'bob');
    expect(bobs(again.events)).toEqual(bobs(original.events));
    expect(bobs(again.events)).toMatchObject([
      { clientOrderId: 'tp', status: 'FILLED', listClientOrderId: 'bob-list' },
    ]);
    // An order of no list carries no list terms (readers take -1 and null).
    expect(ofType(h.limit('dave', 'SOL_USDC', 'BUY', '1.00', '1').events, 'ORDER')).toMatchObject([
      { orderListId: undefined, listClientOrderId: undefined },
    ]);
  });

  it('survives snapshot and restore with the same future', () => {
    // Prepare
    const h = atHundred();
    sellOco(h);
    const restored = (h.constructor as typeof import('./harness.js').Harness).restore(h.engine.snapshot());

    // Act
    const future = (x: Harness) => {
      x.limit('dave', 'SOL_USDC', 'BUY', '95.00', '0.1');
      return x.limit('carol', 'SOL_USDC', 'SELL', '95.00', '0.1');
    };

    // Assess
    expect(JSON.stringify(future(restored).events)).toBe(JSON.stringify(future(h).events));
    expect(restored.state()).toBe(h.state());
  });
});
