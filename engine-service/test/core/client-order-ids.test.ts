import { Harness, ofType } from './harness.js';

/** Alice and dave hold USDC, bob SOL. */
function funded(): Harness {
  const h = new Harness();
  h.deposit('alice', 'USDC', '1000');
  h.deposit('dave', 'USDC', '1000');
  h.deposit('bob', 'SOL', '10');
  return h;
}

describe('client order ids', () => {
  it('are carried on the order’s events', () => {
    // Prepare
    const h = funded();

    // Act
    const buy = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'my-order.1' });

    // Assess
    expect(ofType(buy.events, 'ORDER')).toMatchObject([{ orderId: buy.seq, clientOrderId: 'my-order.1' }]);
  });

  it('are refused with DUPLICATE_CLIENT_ORDER_ID while another open order of the account uses them', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'a-1' });
    const before = h.state();

    // Act
    const again = h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1', { clientOrderId: 'a-1' });

    // Assess
    expect(again).toMatchObject({ code: 'DUPLICATE_CLIENT_ORDER_ID', events: [] });
    expect(h.state()).toBe(before);
  });

  it('are unique per market, as on Binance: the same id may stand in two markets, and cancels only its own', () => {
    // Prepare
    const h = funded();
    const sol = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'a-1' });

    // Act
    const eth = h.limit('alice', 'ETH_USDC', 'BUY', '2000.00', '0.1', { clientOrderId: 'a-1' });
    const cancel = h.cancel('alice', 'ETH_USDC', { clientOrderId: 'a-1' });

    // Assess
    expect(eth.code).toBeNull();
    expect(ofType(cancel.events, 'ORDER')).toMatchObject([{ orderId: eth.seq, market: 'ETH_USDC' }]);
    expect(h.openOrderIds('alice')).toEqual([sol.seq]);
  });

  it('may be used by another account at the same time, and each cancels only its own', () => {
    // Prepare
    const h = funded();
    const alice = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'x' });
    const dave = h.limit('dave', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'x' });

    // Act
    const cancel = h.cancel('dave', 'SOL_USDC', { clientOrderId: 'x' });

    // Assess
    expect(dave.code).toBeNull();
    expect(ofType(cancel.events, 'ORDER')).toMatchObject([{ orderId: dave.seq, accountId: 'dave' }]);
    expect(h.openOrderIds('alice')).toEqual([alice.seq]);
  });

  it('may be reused once the order using them is cancelled', () => {
    // Prepare
    const h = funded();
    const first = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'a-1' });
    h.cancel('alice', 'SOL_USDC', { orderId: first.seq });

    // Act
    const second = h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1', { clientOrderId: 'a-1' });

    // Assess
    expect(second.code).toBeNull();
    expect(h.openOrderIds('alice')).toEqual([second.seq]);
  });

  it('may be reused once the order using them has filled, and then name the new order', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'a-1' });
    h.limit('bob', 'SOL_USDC', 'SELL', '100.00', '1');
    const second = h.limit('alice', 'SOL_USDC', 'BUY', '99.00', '1', { clientOrderId: 'a-1' });

    // Act
    const cancel = h.cancel('alice', 'SOL_USDC', { clientOrderId: 'a-1' });

    // Assess
    expect(second.code).toBeNull();
    expect(ofType(cancel.events, 'ORDER')).toMatchObject([{ orderId: second.seq, status: 'CANCELED' }]);
  });

  it('are not held by an order that never rested', () => {
    // Prepare
    const h = funded();
    h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'a-1', timeInForce: 'IOC' });

    // Act
    const gtc = h.limit('alice', 'SOL_USDC', 'BUY', '100.00', '1', { clientOrderId: 'a-1' });

    // Assess
    expect(gtc.code).toBeNull();
  });
});
