import { groupRoutesByHandler } from '../lib/route-functions.js';

describe('groupRoutesByHandler', () => {
  it('gives routes that share a module and export one function', () => {
    const groups = groupRoutesByHandler([
      { handler: 'http/v1/trading', export: 'placeOrderHandler' },
      { handler: 'http/v1/trading', export: 'placeOrderHandler' },
      { handler: 'http/v1/trading', export: 'cancelOrderHandler' },
    ]);

    expect(groups.map((g) => [g.id, g.routes.length])).toEqual([
      ['http-v1-trading-place-order-handler', 2],
      ['http-v1-trading-cancel-order-handler', 1],
    ]);
  });

  it('calls the export handler when a route names none', () => {
    const [group] = groupRoutesByHandler([{ handler: 'http/health' }]);

    expect(group).toMatchObject({
      id: 'http-health-handler',
      handlerModule: 'http/health',
      exportName: 'handler',
    });
  });

  it('takes the longest route timeout, 29 s by default', () => {
    const [short] = groupRoutesByHandler([{ handler: 'ws/connect', timeoutSeconds: 10 }]);
    const [mixed] = groupRoutesByHandler([{ handler: 'm', timeoutSeconds: 5 }, { handler: 'm' }]);

    expect(short?.timeoutSeconds).toBe(10);
    expect(mixed?.timeoutSeconds).toBe(29);
  });
});
