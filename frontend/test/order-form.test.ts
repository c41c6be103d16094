import {
  acceptsInput,
  amountForPercent,
  type FormMarket,
  orderBody,
  validateOrder,
} from '../src/model/order-form';

const market: FormMarket = {
  symbol: 'SOL_USDC',
  base: 'SOL',
  quote: 'USDC',
  tickSize: '0.01',
  stepSize: '0.001',
  minNotional: '1',
  maxPrice: '1000000',
  maxQuantity: '1000000',
  pricePrecision: 2,
  quantityPrecision: 3,
  basePrecision: 8,
  quotePrecision: 6,
  makerFeeBps: 10,
  takerFeeBps: 20,
};
const rich = { USDC: '10000.000000', SOL: '50.00000000' };

describe('order form validation (unit)', () => {
  it('accepts a valid limit buy with an exact total and fee', () => {
    const check = validateOrder(market, { side: 'BUY', type: 'LIMIT', price: '100.10', amount: '0.3' }, rich);
    expect(check.ok).toBe(true);
    expect(check.total).toBe('30.03'); // not 30.029999999999998
    expect(check.fee).toBe('0.0006'); // 0.3 SOL × 0.2 %
    expect(check.feeAsset).toBe('SOL');
    expect(check.feePercent).toBe('0.2');
  });

  it('charges the maker rate for post-only and fees a sell in quote', () => {
    const check = validateOrder(
      market,
      { side: 'SELL', type: 'LIMIT', price: '100', amount: '1.5', postOnly: true },
      rich,
    );
    expect(check.ok).toBe(true);
    expect(check.total).toBe('150.00');
    expect(check.fee).toBe('0.15');
    expect(check.feeAsset).toBe('USDC');
  });

  it('names off-grid, too precise and empty fields', () => {
    const offTick = validateOrder(
      market,
      { side: 'BUY', type: 'LIMIT', price: '100.005', amount: '1' },
      rich,
    );
    expect(offTick.errors.price).toBe('Price has at most 2 decimals');
    const offStep = validateOrder(
      market,
      { side: 'BUY', type: 'LIMIT', price: '100', amount: '0.0005' },
      rich,
    );
    expect(offStep.errors.amount).toBe('Amount has at most 3 decimals');
    const tick5 = validateOrder(
      { ...market, tickSize: '0.05' },
      { side: 'BUY', type: 'LIMIT', price: '100.02', amount: '1' },
      rich,
    );
    expect(tick5.errors.price).toBe('Price must be a multiple of 0.05');
    const empty = validateOrder(market, { side: 'BUY', type: 'LIMIT', price: '', amount: '' }, rich);
    expect(empty.ok).toBe(false);
    expect(empty.errors).toEqual({ price: 'Enter a price', amount: 'Enter an amount' });
    expect(
      validateOrder(market, { side: 'BUY', type: 'LIMIT', price: '0', amount: '1' }, rich).errors.price,
    ).toBe('Price must be above zero');
  });

  it('accepts a trailing dot while typing', () => {
    expect(acceptsInput('12.')).toBe(true);
    expect(acceptsInput('1.2.3')).toBe(false);
    expect(acceptsInput('1e5')).toBe(false);
    expect(validateOrder(market, { side: 'BUY', type: 'LIMIT', price: '12.', amount: '1' }, rich).ok).toBe(
      true,
    );
  });

  it('enforces the minimum order value and the balance', () => {
    const small = validateOrder(market, { side: 'BUY', type: 'LIMIT', price: '0.99', amount: '1' }, rich);
    expect(small.errors.total).toBe('Total must be at least 1 USDC');
    const poor = validateOrder(market, { side: 'BUY', type: 'LIMIT', price: '100', amount: '200' }, rich);
    expect(poor.errors.total).toBe('Insufficient USDC: 10000 available');
    const oversell = validateOrder(
      market,
      { side: 'SELL', type: 'MARKET', price: '', amount: '50.001' },
      rich,
    );
    expect(oversell.errors.amount).toBe('Insufficient SOL: 50 available');
    expect(validateOrder(market, { side: 'SELL', type: 'MARKET', price: '', amount: '50' }, rich).ok).toBe(
      true,
    );
  });

  it('refuses post-only with IOC', () => {
    const check = validateOrder(
      market,
      { side: 'BUY', type: 'LIMIT', price: '10', amount: '1', postOnly: true, ioc: true },
      rich,
    );
    expect(check.ok).toBe(false);
  });

  it('computes percentage-of-balance amounts on the step grid, rounded down', () => {
    expect(amountForPercent(market, 'BUY', '100.00', 50, rich)).toBe('50.000');
    expect(amountForPercent(market, 'BUY', '3.00', 25, { USDC: '10' })).toBe('0.833');
    expect(amountForPercent(market, 'SELL', '', 100, { SOL: '1.23456789' })).toBe('1.234');
    expect(amountForPercent(market, 'BUY', '', 100, rich)).toBeUndefined();
  });

  it('checks a stop-limit order’s stop price and price on the tick grid, totals it at its limit price', () => {
    const sell = {
      side: 'SELL',
      type: 'STOP_LOSS_LIMIT',
      price: '94.00',
      stopPrice: '95.00',
      amount: '2',
    } as const;
    const check = validateOrder(market, sell, rich);
    expect(check.ok).toBe(true);
    expect(check.total).toBe('188.00');
    expect(check.fee).toBe('0.376'); // taker's 0.2 %: once fired it may take
    const noStop = validateOrder(market, { ...sell, stopPrice: '' }, rich);
    expect([noStop.ok, noStop.errors.stopPrice]).toEqual([false, 'Enter a stop price']);
    const offTick = validateOrder(market, { ...sell, stopPrice: '95.005' }, rich);
    expect(offTick.errors.stopPrice).toBe('Stop price has at most 2 decimals');
    const noPrice = validateOrder(market, { ...sell, type: 'TAKE_PROFIT_LIMIT', price: '' }, rich);
    expect(noPrice.errors.price).toBe('Enter a price');
    const broke = validateOrder(market, { ...sell, side: 'BUY', amount: '200' }, rich);
    expect(broke.errors.total).toBe('Insufficient USDC: 10000 available');
  });

  it('builds a stop-limit’s wire body: GTC at its price, with its stop price', () => {
    expect(
      orderBody(market, {
        side: 'BUY',
        type: 'TAKE_PROFIT_LIMIT',
        price: '90.',
        stopPrice: '91.5',
        amount: '1',
        postOnly: true,
        ioc: true,
      }),
    ).toEqual({
      market: 'SOL_USDC',
      side: 'BUY',
      type: 'TAKE_PROFIT_LIMIT',
      quantity: '1',
      price: '90',
      stopPrice: '91.5',
      timeInForce: 'GTC',
    });
  });

  it('builds the wire body', () => {
    expect(orderBody(market, { side: 'BUY', type: 'LIMIT', price: '100.', amount: '1', ioc: true })).toEqual({
      market: 'SOL_USDC',
      side: 'BUY',
      type: 'LIMIT',
      quantity: '1',
      price: '100',
      timeInForce: 'IOC',
    });
    expect(
      orderBody(market, { side: 'SELL', type: 'LIMIT', price: '1', amount: '1', postOnly: true }),
    ).toMatchObject({
      postOnly: true,
    });
  });
});
