/** The smoke order's size, unit tests (no network). */
import { compareDecimal, MARKET_CONFIG } from '@exchange/protocol';
import { smokeOrder } from '../src/order-size.js';

const padded = (value: string) => (value.includes('.') ? `${value}00000000` : `${value}.00000000`);

describe('the smoke order', () => {
  it('rests at the lowest tick with the smallest quantity reaching the minimum value', () => {
    expect(
      smokeOrder({
        tickSize: '0.01',
        minPrice: '0.01',
        stepSize: '0.001',
        minQty: '0.001',
        maxQty: '1000000',
        minNotional: '1',
      }),
    ).toEqual({ price: '0.01', quantity: '100.000', notional: '1.00000' });
  });

  it('rounds the quantity up to the step, never below the minimum value', () => {
    const order = smokeOrder({
      tickSize: '0.3',
      minPrice: '0',
      stepSize: '0.01',
      minQty: '0.01',
      maxQty: '100',
      minNotional: '1',
    });
    expect(order).toEqual({ price: '0.3', quantity: '3.34', notional: '1.002' });
  });

  it('reads Binance’s eight-decimal filters', () => {
    const order = smokeOrder({
      tickSize: '0.10000000',
      minPrice: '0.10000000',
      stepSize: '0.00001000',
      minQty: '0.00001000',
      maxQty: '10000.00000000',
      minNotional: '1.00000000',
    });
    expect(order).toEqual({ price: '0.1', quantity: '10.00000', notional: '1.000000' });
  });

  it.each(MARKET_CONFIG.map((m) => [m.symbol, m] as const))('fits every listed market (%s)', (_, m) => {
    const order = smokeOrder({
      tickSize: padded(m.tickSize),
      minPrice: padded(m.tickSize),
      stepSize: padded(m.stepSize),
      minQty: padded(m.stepSize),
      maxQty: padded(m.maxQuantity),
      minNotional: padded(m.minNotional),
    });
    expect(compareDecimal(order.notional, m.minNotional)).toBeGreaterThanOrEqual(0);
    expect(compareDecimal(order.quantity, m.maxQuantity)).toBeLessThanOrEqual(0);
  });

  it('says so when no quantity fits', () => {
    expect(() =>
      smokeOrder({
        tickSize: '0.01',
        minPrice: '0.01',
        stepSize: '1',
        minQty: '1',
        maxQty: '10',
        minNotional: '1',
      }),
    ).toThrow(/no quantity up to 10 reaches 1 at 0.01/);
  });
});
