/**
 * Unit tests (no network) of the pure parts of trading: order requests checked at the
 * API edge, engine replies read as results, and Binance's response shapes.
 */
import type { Fill, OrderEvent, Reply } from '@exchange/protocol';
import { ApiError } from '../../src/http/api.js';
import { orderCancel, orderFull, orderQuery } from '../../src/http/v3/binance-format.js';
import { resolveMarket } from '../../src/markets.js';
import { toCancelOrderCommand, toCreateOrderCommand } from '../../src/trading/order-request.js';
import { placedOrderOf } from '../../src/trading/order-result.js';
import { settlementOutcome } from '../../src/withdrawals/settle.js';

const sol = resolveMarket('SOLUSDC');
const V3 = { price: 'price', quantity: 'quantity', quoteQuantity: 'quoteOrderQty' };

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('toCreateOrderCommand', () => {
  it('builds the wire command of a valid order, either symbol spelling', () => {
    const command = toCreateOrderCommand('acc', 'r-1', {
      market: resolveMarket('SOL_USDC'),
      side: 'BUY',
      orderType: 'LIMIT',
      price: '100.5',
      quantity: '0.25',
      clientOrderId: 'c-1',
    });
    expect(command).toEqual({
      type: 'CREATE_ORDER',
      requestId: 'r-1',
      accountId: 'acc',
      market: 'SOL_USDC',
      side: 'BUY',
      orderType: 'LIMIT',
      price: '100.5',
      quantity: '0.25',
      clientOrderId: 'c-1',
    });
  });

  it.each([
    ['an off-grid price', { price: '100.001', quantity: '1' }, 'PRICE_FILTER', 'price'],
    ['a zero price', { price: '0', quantity: '1' }, 'PRICE_FILTER', 'price'],
    ['a price above the maximum', { price: '1000000.01', quantity: '1' }, 'PRICE_FILTER', 'price'],
    ['an off-grid quantity', { price: '100', quantity: '0.0001' }, 'LOT_SIZE', 'quantity'],
    ['a zero quantity', { price: '100', quantity: '0' }, 'LOT_SIZE', 'quantity'],
    ['a value below the minimum notional', { price: '0.99', quantity: '1' }, 'MIN_NOTIONAL', undefined],
  ])('refuses %s before anything is queued', (_, order, code, field) => {
    const error = errorOf(() =>
      toCreateOrderCommand('acc', 'r', { market: sol, side: 'BUY', orderType: 'LIMIT', ...order }, V3),
    );
    expect([error.code, error.field]).toEqual([code, field]);
  });

  it('names Binance’s quoteOrderQty for a market order with too fine a quote amount', () => {
    const error = errorOf(() =>
      toCreateOrderCommand(
        'acc',
        'r',
        { market: sol, side: 'BUY', orderType: 'MARKET', quoteQuantity: '1.0000001' },
        V3,
      ),
    );
    expect([error.code, error.field]).toEqual(['INVALID_ORDER', 'quoteOrderQty']);
  });

  it('refuses a market order sized both ways as an invalid command', () => {
    const error = errorOf(() =>
      toCreateOrderCommand('acc', 'r', {
        market: sol,
        side: 'BUY',
        orderType: 'MARKET',
        quantity: '1',
        quoteQuantity: '1',
      }),
    );
    expect(error.code).toBe('INVALID_COMMAND');
  });

  it('answers an unknown symbol with UNKNOWN_SYMBOL (-1121)', () => {
    const error = errorOf(() => resolveMarket('DOGEUSDC'));
    expect([error.code, error.body('v3')]).toEqual([
      'UNKNOWN_SYMBOL',
      { code: -1121, msg: 'Invalid symbol.' },
    ]);
  });
});

describe('toCancelOrderCommand', () => {
  it('needs exactly one of the two ids', () => {
    expect(errorOf(() => toCancelOrderCommand('acc', 'r', sol, {})).code).toBe('MISSING_PARAMETER');
    expect(
      errorOf(() => toCancelOrderCommand('acc', 'r', sol, { orderId: 1, clientOrderId: 'c' })).code,
    ).toBe('PARAMETER_NOT_REQUIRED');
    expect(toCancelOrderCommand('acc', 'r', sol, { clientOrderId: 'c' })).toEqual({
      type: 'CANCEL_ORDER',
      requestId: 'r',
      accountId: 'acc',
      market: 'SOL_USDC',
      clientOrderId: 'c',
    });
  });
});

const order = (over: Partial<OrderEvent>): OrderEvent => ({
  type: 'ORDER',
  seq: 7,
  time: 1_700_000_000_500,
  market: 'SOL_USDC',
  orderId: 3,
  accountId: 'acc',
  clientOrderId: 'c-3',
  side: 'BUY',
  orderType: 'LIMIT',
  timeInForce: 'GTC',
  postOnly: false,
  selfTradePrevention: 'EXPIRE_MAKER',
  price: '100.00',
  quantity: '2.000',
  quoteQuantity: null,
  filledQuantity: '0.000',
  filledQuote: '0.000000',
  status: 'NEW',
  reason: null,
  createdAt: 1_700_000_000_000,
  ...over,
});

const fill = (orderId: number, tradeId: number): Fill => ({
  tradeId,
  market: 'SOL_USDC',
  orderId,
  side: 'BUY',
  price: '99.00',
  quantity: '1.000',
  quoteQuantity: '99.000000',
  fee: '0.00200000',
  feeAsset: 'SOL',
  isMaker: false,
  time: 1_700_000_000_500,
});

describe('placedOrderOf', () => {
  it('takes the taker (the last ORDER) and only its fills, also when the account was its own maker', () => {
    const reply: Reply = {
      ok: true,
      requestId: 'r',
      seq: 7,
      time: 1_700_000_000_500,
      orders: [order({ orderId: 1, side: 'SELL', status: 'FILLED' }), order({ status: 'PARTIALLY_FILLED' })],
      fills: [fill(3, 10), { ...fill(1, 10), side: 'SELL', isMaker: true }],
      balances: [],
      withdrawals: [],
    };
    const placed = placedOrderOf(reply);
    expect(placed.order).toMatchObject({
      orderId: 3,
      status: 'PARTIALLY_FILLED',
      updatedAt: 1_700_000_000_500,
    });
    expect(placed.fills).toEqual([fill(3, 10)]);
  });

  it('throws the engine’s rejection as the API answers it', () => {
    const reply: Reply = {
      ok: false,
      requestId: 'r',
      seq: 0,
      time: 0,
      code: 'INSUFFICIENT_FUNDS',
      message: '',
    };
    expect(errorOf(() => placedOrderOf(reply)).body('v3')).toEqual({
      code: -2010,
      msg: 'Account has insufficient balance for requested action.',
    });
  });
});

describe('Binance shapes', () => {
  it('answers FULL with Binance’s fields and fills', () => {
    const { order: view, fills } = placedOrderOf({
      ok: true,
      requestId: 'r',
      seq: 7,
      time: 1_700_000_000_500,
      orders: [order({ status: 'PARTIALLY_FILLED', filledQuantity: '1.000', filledQuote: '99.000000' })],
      fills: [fill(3, 10)],
      balances: [],
      withdrawals: [],
    });
    expect(orderFull(view, fills, 1_700_000_000_500)).toEqual({
      symbol: 'SOLUSDC',
      orderId: 3,
      orderListId: -1,
      clientOrderId: 'c-3',
      transactTime: 1_700_000_000_500,
      price: '100.00',
      origQty: '2.000',
      executedQty: '1.000',
      origQuoteOrderQty: '0.000000',
      cummulativeQuoteQty: '99.000000',
      status: 'PARTIALLY_FILLED',
      timeInForce: 'GTC',
      type: 'LIMIT',
      side: 'BUY',
      workingTime: 1_700_000_000_000,
      selfTradePreventionMode: 'EXPIRE_MAKER',
      fills: [
        { price: '99.00', qty: '1.000', commission: '0.00200000', commissionAsset: 'SOL', tradeId: 10 },
      ],
    });
  });

  it('names post-only orders LIMIT_MAKER, market orders GTC, and self-trade expiry EXPIRED_IN_MATCH', () => {
    const maker = placedOrderOf({
      ok: true,
      requestId: 'r',
      seq: 1,
      time: 1,
      orders: [order({ postOnly: true })],
      fills: [],
      balances: [],
      withdrawals: [],
    }).order;
    const market = placedOrderOf({
      ok: true,
      requestId: 'r',
      seq: 1,
      time: 1,
      orders: [
        order({
          orderType: 'MARKET',
          timeInForce: 'IOC',
          price: null,
          quantity: null,
          quoteQuantity: '50.000000',
          status: 'EXPIRED',
          reason: 'SELF_TRADE_PREVENTION',
        }),
      ],
      fills: [],
      balances: [],
      withdrawals: [],
    }).order;
    expect(orderQuery(maker)).toMatchObject({ type: 'LIMIT_MAKER', timeInForce: 'GTC', isWorking: true });
    expect(orderCancel(market, 'cancel-1', 5)).toMatchObject({
      type: 'MARKET',
      timeInForce: 'GTC',
      price: '0.00',
      origQuoteOrderQty: '50.000000',
      status: 'EXPIRED_IN_MATCH',
      origClientOrderId: 'c-3',
      clientOrderId: 'cancel-1',
    });
  });
});

describe('settlementOutcome', () => {
  it('fails addresses starting with fail, in any case, and completes the rest', () => {
    expect(['fail-1', 'FAIL', 'addr-fail', 'x'].map(settlementOutcome)).toEqual([
      'FAILED',
      'FAILED',
      'COMPLETED',
      'COMPLETED',
    ]);
  });
});
