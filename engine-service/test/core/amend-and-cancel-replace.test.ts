import { funded, type Harness, ofType } from './harness.js';

function amend(h: Harness, accountId: string, fields: Record<string, unknown>) {
  return h.send({ type: 'AMEND_ORDER', accountId, market: 'SOL_USDC', ...fields });
}

describe('amend keep priority', () => {
  it.each([
    ['BUY', 'alice', 'dave', 'bob', 'USDC', '850.000000'],
    ['SELL', 'bob', 'carol', 'alice', 'SOL', '8.50000000'],
  ] as const)(
    'a reduced %s keeps its place ahead of later orders and unlocks what it no longer needs',
    (side, owner, other, taker, asset, available) => {
      // Prepare
      const h = funded();
      const first = h.limit(owner, 'SOL_USDC', side, '100.00', '2');
      const later = h.limit(other, 'SOL_USDC', side, '100.00', '1');

      // Act
      const amended = amend(h, owner, { orderId: first.seq, quantity: '1.5' });
      const take = h.limit(taker, 'SOL_USDC', side === 'BUY' ? 'SELL' : 'BUY', '100.00', '1.5');

      // Assess
      expect(amended.code).toBeNull();
      expect(ofType(amended.events, 'ORDER')).toMatchObject([
        { orderId: first.seq, quantity: '1.500', status: 'NEW' },
      ]);
      expect(ofType(amended.events, 'DEPTH')[0]).toMatchObject(
        side === 'BUY' ? { bids: [['100.00', '2.500']] } : { asks: [['100.00', '2.500']] },
      );
      expect(ofType(amended.events, 'BALANCE')).toMatchObject([{ accountId: owner, asset, available }]);
      expect(ofType(take.events, 'ORDER').find((o) => o.orderId === first.seq)?.status).toBe('FILLED');
      expect(h.openOrderIds(other)).toEqual([later.seq]);
    },
  );

  it.each([
    ['an increase', '3', 'QUANTITY_INCREASE'],
    ['the same quantity', '2', 'QUANTITY_INCREASE'],
    ['no more than has filled', '0.5', 'QUANTITY_INCREASE'],
    ['off the step grid', '1.0001', 'LOT_SIZE'],
  ])('%s is refused and changes nothing', (_, quantity, code) => {
    // Prepare
    const h = funded();
    const order = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '0.5');
    const before = h.state();

    // Act
    const amended = amend(h, 'alice', { orderId: order.seq, quantity });

    // Assess
    expect(amended.code).toBe(code);
    expect(h.state()).toBe(before);
  });

  it("another account's order is unknown", () => {
    // Prepare
    const h = funded();
    const order = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');

    // Act
    const amended = amend(h, 'dave', { orderId: order.seq, quantity: '1' });

    // Assess
    expect(amended.code).toBe('UNKNOWN_ORDER');
  });

  it('by client order id, giving it a new one', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2', { clientOrderId: 'old' });

    // Act
    const amended = amend(h, 'alice', { clientOrderId: 'old', quantity: '1', newClientOrderId: 'new' });

    // Assess
    expect(ofType(amended.events, 'ORDER')).toMatchObject([{ clientOrderId: 'new', quantity: '1.000' }]);
    expect(h.cancel('alice', 'SOL_USDC', { clientOrderId: 'old' }).code).toBe('UNKNOWN_ORDER');
    expect(h.cancel('alice', 'SOL_USDC', { clientOrderId: 'new' }).code).toBeNull();
  });

  it('a waiting stop-limit reduces its lock; an OCO leg reduces both legs', () => {
    // Prepare
    const h = funded();
    h.limit('dave', 'SOL_USDC', 'BUY', '100.00', '0.1');
    h.limit('carol', 'SOL_USDC', 'SELL', '100.00', '0.1');
    const stop = h.send({
      type: 'CREATE_ORDER',
      accountId: 'alice',
      market: 'SOL_USDC',
      side: 'BUY',
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: '105',
      price: '106',
      quantity: '2',
    });
    const list = h.send({
      type: 'CREATE_ORDER_LIST',
      accountId: 'bob',
      market: 'SOL_USDC',
      side: 'SELL',
      quantity: '2',
      above: { orderType: 'LIMIT', postOnly: true, price: '110.00' },
      below: { orderType: 'STOP_LOSS', stopPrice: '95.00' },
    });

    // Act
    amend(h, 'alice', { orderId: stop.seq, quantity: '1' });
    const leg = amend(h, 'bob', { orderId: list.seq + 1, quantity: '0.5' });

    // Assess
    expect(h.balance('alice', 'USDC')).toEqual({ available: '894.000000', locked: '106.000000' });
    expect(ofType(leg.events, 'ORDER').map((o) => [o.orderId, o.quantity])).toEqual([
      [list.seq, '0.500'],
      [list.seq + 1, '0.500'],
    ]);
    expect(h.balance('bob', 'SOL')).toEqual({ available: '9.50000000', locked: '0.50000000' });
    expect(h.depth('SOL_USDC').asks).toEqual([['110.00', '0.500']]);
  });
});

function cancelReplace(h: Harness, fields: Record<string, unknown>) {
  return h.send({
    type: 'CANCEL_REPLACE',
    accountId: 'alice',
    market: 'SOL_USDC',
    side: 'BUY',
    orderType: 'LIMIT',
    price: '99.00',
    quantity: '1',
    mode: 'STOP_ON_FAILURE',
    ...fields,
  });
}

describe('cancel-replace', () => {
  it('cancels and places in one command, with one depth update', () => {
    // Prepare
    const h = funded();
    const old = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');
    const updateId = h.depth('SOL_USDC').lastUpdateId;

    // Act
    const step = cancelReplace(h, { cancelOrderId: old.seq });

    // Assess
    expect(step.code).toBeNull();
    expect(step.result?.cancelReplace).toEqual({ cancelCode: null, orderCode: null });
    expect(ofType(step.events, 'ORDER').map((o) => [o.orderId, o.status])).toEqual([
      [old.seq, 'CANCELED'],
      [step.seq, 'NEW'],
    ]);
    expect(ofType(step.events, 'DEPTH')).toMatchObject([
      {
        updateId: updateId + 1,
        bids: [
          ['100.00', '0.000'],
          ['99.00', '1.000'],
        ],
      },
    ]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '901.000000', locked: '99.000000' });
  });

  it('STOP_ON_FAILURE: a failed cancel places nothing and the command is refused', () => {
    // Prepare
    const h = funded();
    const before = h.state();

    // Act
    const step = cancelReplace(h, { cancelOrderId: 12345 });

    // Assess
    expect(step.code).toBe('UNKNOWN_ORDER');
    expect(step.result?.cancelReplace).toEqual({ cancelCode: 'UNKNOWN_ORDER', orderCode: 'NOT_ATTEMPTED' });
    expect(h.state()).toBe(before);
  });

  it('ALLOW_FAILURE: a failed cancel still places the order', () => {
    // Prepare
    const h = funded();

    // Act
    const step = cancelReplace(h, { cancelOrderId: 12345, mode: 'ALLOW_FAILURE' });

    // Assess
    expect(step.code).toBeNull();
    expect(step.result?.cancelReplace).toEqual({ cancelCode: 'UNKNOWN_ORDER', orderCode: null });
    expect(h.openOrderIds('alice')).toEqual([step.seq]);
  });

  it('a cancel that succeeds and an order that fails leaves the order cancelled', () => {
    // Prepare
    const h = funded();
    const old = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2');
    h.limit('bob', 'SOL_USDC', 'SELL', '101.00', '1');

    // Act
    const step = cancelReplace(h, { cancelOrderId: old.seq, price: '101.00', postOnly: true });

    // Assess
    expect(step.code).toBeNull();
    expect(step.result?.cancelReplace).toEqual({ cancelCode: null, orderCode: 'WOULD_TAKE' });
    expect(h.openOrderIds('alice')).toEqual([]);
    expect(h.balance('alice', 'USDC')).toEqual({ available: '1000.000000', locked: '0.000000' });
  });

  it('ALLOW_FAILURE with both halves failing is refused and changes nothing', () => {
    // Prepare
    const h = funded();
    const before = h.state();

    // Act
    const step = cancelReplace(h, { cancelOrderId: 12345, mode: 'ALLOW_FAILURE', quantity: '100' });

    // Assess
    expect(step.code).toBe('UNKNOWN_ORDER');
    expect(step.result?.cancelReplace).toEqual({
      cancelCode: 'UNKNOWN_ORDER',
      orderCode: 'INSUFFICIENT_FUNDS',
    });
    expect(h.state()).toBe(before);
  });

  it('the new order may reuse the cancelled order client order id', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '2', { clientOrderId: 'quote-1' });

    // Act
    const step = cancelReplace(h, { cancelClientOrderId: 'quote-1', clientOrderId: 'quote-1' });

    // Assess
    expect(step.code).toBeNull();
    expect(step.result?.cancelReplace).toEqual({ cancelCode: null, orderCode: null });
  });
});
