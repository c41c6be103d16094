import { commandSchema } from '../src/commands.js';
import { toEngineCommand } from '../src/convert-command.js';
import { createMarketRegistry } from '../src/markets.js';
import { isRejection } from '../src/rejection.js';

const registry = createMarketRegistry();
const order = {
  type: 'CREATE_ORDER',
  requestId: 'r-1',
  accountId: 'alice',
  market: 'SOL_USDC',
  side: 'BUY',
  orderType: 'LIMIT',
  price: '100.25',
  quantity: '1.5',
} as const;

function problem(input: unknown): string | undefined {
  const parsed = commandSchema.safeParse(input);
  return parsed.success ? undefined : parsed.error.issues.map((i) => i.message).join('; ');
}

describe('command schema', () => {
  it('accepts a plain limit order', () => {
    expect(problem(order)).toBeUndefined();
  });

  it.each([
    [{ ...order, price: undefined }, 'a LIMIT order needs price and quantity'],
    [{ ...order, quoteQuantity: '10' }, 'a LIMIT order takes quantity, not quoteQuantity'],
    [{ ...order, postOnly: true, timeInForce: 'IOC' }, 'postOnly needs timeInForce GTC'],
    [{ ...order, orderType: 'MARKET' }, 'a MARKET order takes no price'],
    [
      { ...order, orderType: 'MARKET', price: undefined, quoteQuantity: '5' },
      'exactly one of quantity and quoteQuantity',
    ],
    [{ ...order, orderType: 'MARKET', price: undefined, timeInForce: 'GTC' }, 'a MARKET order is always IOC'],
    [
      { ...order, orderType: 'MARKET', price: undefined, postOnly: true },
      'a MARKET order cannot be postOnly',
    ],
    [{ ...order, clientOrderId: 'has space' }, 'Invalid string'],
    [{ ...order, extra: 1 }, 'Unrecognized key'],
    [{ ...order, side: 'HOLD' }, 'Invalid option'],
  ])('refuses %#: %s', (input, message) => {
    expect(problem(input)).toContain(message);
  });

  it('needs exactly one of orderId and clientOrderId to cancel', () => {
    const cancel = { type: 'CANCEL_ORDER', requestId: 'r', accountId: 'a', market: 'SOL_USDC' };
    expect(problem({ ...cancel, orderId: 7 })).toBeUndefined();
    expect(problem({ ...cancel, clientOrderId: 'my-1' })).toBeUndefined();
    expect(problem(cancel)).toContain('exactly one');
    expect(problem({ ...cancel, orderId: 7, clientOrderId: 'my-1' })).toContain('exactly one');
  });
});

describe('toEngineCommand', () => {
  it('converts decimal strings to ticks, lots and minor units with defaults resolved', () => {
    expect(toEngineCommand(order, registry)).toEqual({
      type: 'CREATE_ORDER',
      accountId: 'alice',
      market: 'SOL_USDC',
      side: 'BUY',
      orderType: 'LIMIT',
      timeInForce: 'GTC',
      postOnly: false,
      price: 10_025,
      quantity: 1_500,
      quoteQuantity: 0,
      clientOrderId: null,
      selfTradePrevention: 'EXPIRE_MAKER',
      stopPrice: 0,
      trailingDelta: 0,
    });
    expect(
      toEngineCommand(
        { ...order, orderType: 'STOP_LOSS_LIMIT', stopPrice: '99.5', trailingDelta: 150 },
        registry,
      ),
    ).toMatchObject({
      orderType: 'STOP_LOSS_LIMIT',
      stopPrice: 9_950,
      trailingDelta: 150,
      timeInForce: 'GTC',
    });
    expect(
      toEngineCommand(
        { ...order, orderType: 'MARKET', price: undefined, quantity: undefined, quoteQuantity: '25.5' },
        registry,
      ),
    ).toMatchObject({ timeInForce: 'IOC', price: 0, quantity: 0, quoteQuantity: 25_500_000 });
    expect(
      toEngineCommand(
        { type: 'DEPOSIT', requestId: 'r', accountId: 'a', asset: 'SOL', amount: '1.5' },
        registry,
      ),
    ).toEqual({ type: 'DEPOSIT', accountId: 'a', asset: 'SOL', amount: 150_000_000 });
  });

  it.each([
    [{ ...order, price: '100.001' }, 'PRICE_FILTER', "price: '100.001' has more than 2 decimals."],
    [{ ...order, price: '-1' }, 'PRICE_FILTER', 'is negative'],
    [{ ...order, quantity: '0.0005' }, 'LOT_SIZE', 'more than 3 decimals'],
    [{ ...order, quantity: 'lots' }, 'LOT_SIZE', 'not a plain decimal'],
    [{ ...order, quantity: '0' }, 'LOT_SIZE', 'quantity: must be positive.'],
    [{ ...order, orderType: 'MARKET', price: undefined, quantity: '0.000' }, 'LOT_SIZE', 'must be positive'],
    [
      { ...order, orderType: 'MARKET', price: undefined, quantity: undefined, quoteQuantity: '0' },
      'MIN_NOTIONAL',
      'quoteQuantity: must be positive.',
    ],
    [
      { ...order, orderType: 'MARKET', price: undefined, quantity: undefined, quoteQuantity: '1.0000001' },
      'INVALID_ORDER',
      'more than 6 decimals',
    ],
    [{ ...order, market: 'DOGE_USDC' }, 'UNKNOWN_MARKET', 'No such market.'],
    [{ ...order, price: 100 }, 'INVALID_COMMAND', 'price: '],
    [
      { type: 'DEPOSIT', requestId: 'r', accountId: 'a', asset: 'XRP', amount: '1' },
      'UNKNOWN_ASSET',
      'No such asset.',
    ],
    [
      { type: 'DEPOSIT', requestId: 'r', accountId: 'a', asset: 'USDC', amount: '0' },
      'AMOUNT_OUT_OF_RANGE',
      'must be positive',
    ],
    [
      { type: 'WITHDRAW', requestId: 'r', accountId: 'a', asset: 'USDC', amount: '1e9' },
      'AMOUNT_OUT_OF_RANGE',
      'not a plain decimal',
    ],
    [{ type: 'TELEPORT', requestId: 'r', accountId: 'a' }, 'INVALID_COMMAND', 'type'],
    ['not even an object', 'INVALID_COMMAND', 'malformed'],
  ])('refuses %# with %s', (input, code, detail) => {
    const result = toEngineCommand(input, registry);
    expect(isRejection(result) && result.code).toBe(code);
    expect(isRejection(result) && result.message).toContain(detail);
  });
});
