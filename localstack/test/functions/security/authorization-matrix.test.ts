/**
 * The authorization matrix, through the API Gateway emulator and the whole trading
 * stack: every signed route of `HTTP_ROUTES`, on both faces, called by a key holding
 * exactly one permission, for each permission. The key with the route's permission
 * gets past authorization (whatever its parameters then earn, never a 5xx); every
 * other key is refused with 403 `PERMISSION_DENIED` (`/api/v1`) or 401 -2015
 * (`/api/v3`), and nothing it asked for is applied.
 *
 * Routes added later are covered as they appear: they need `read` for GET and `trade`
 * otherwise, unless listed in {@link NEEDS}.
 */

import { PERMISSIONS, type Permission } from '@exchange/functions/accounts/permissions';
import { MARKET_DATA_ROUTES } from '@exchange/functions/http/market-data-routes';
import { HTTP_ROUTES } from '@exchange/functions/http-routes';
import { call, signUp, type TestKey } from '../trading/client.js';
import { startTradingStack, type TradingStack } from '../trading/stack.js';

/** Routes needing another permission than their method's default. */
const NEEDS: Readonly<Record<string, Permission>> = {
  'POST /api/v1/withdrawals': 'withdraw',
  'POST /api/v1/keys': 'manageKeys',
  'DELETE /api/v1/keys': 'manageKeys',
  // Binance's USER_STREAM endpoints: a listen key opens the private stream, a read.
  'POST /api/v3/userDataStream': 'read',
  'PUT /api/v3/userDataStream': 'read',
  'DELETE /api/v3/userDataStream': 'read',
  'POST /sapi/v1/capital/withdraw/apply': 'withdraw',
};

/** Binance's USER_STREAM routes: the key in the header, no signature. */
const KEY_ONLY = new Set([
  'POST /api/v3/userDataStream',
  'PUT /api/v3/userDataStream',
  'DELETE /api/v3/userDataStream',
]);

/** Routes anyone may call. */
const PUBLIC = new Set([
  'GET /health',
  'POST /api/v1/accounts',
  'GET /sapi/v1/system/status',
  ...MARKET_DATA_ROUTES.map((r) => `${r.method} ${r.path}`),
]);

const SIGNED_ROUTES = HTTP_ROUTES.filter(
  (r) => r.method !== 'ANY' && !r.path.includes('{') && !PUBLIC.has(`${r.method} ${r.path}`),
).map((r) => ({ method: r.method, path: r.path, route: `${r.method} ${r.path}` }));

function needed(route: { method: string; route: string }): Permission {
  return NEEDS[route.route] ?? (route.method === 'GET' ? 'read' : 'trade');
}

/** A request carrying only the API key header, as Binance's USER_STREAM endpoints take it. */
async function keyOnly(method: string, path: string, key: TestKey) {
  // A well-formed listen key, so an allowed key passes validation (and finds no stream).
  const query = method === 'POST' ? '' : `?listenKey=${'A'.repeat(60)}`;
  const response = await fetch(`${stack.api.url}${path}${query}`, {
    method,
    headers: { 'X-MBX-APIKEY': key.apiKey },
  });
  return { status: response.status, body: await response.json() };
}

let stack: TradingStack;
let owner: TestKey;
/** One key per permission, holding only it. */
const only = {} as Record<Permission, TestKey>;

beforeAll(async () => {
  stack = await startTradingStack();
  owner = await signUp(stack.api, { permissions: [...PERMISSIONS] });
  for (const permission of PERMISSIONS) {
    const created = await call(stack.api, owner, 'POST', '/api/v1/keys', {}, { permissions: [permission] });
    expect(created.status).toBe(201);
    only[permission] = { ...created.body, accountId: owner.accountId };
  }
  const credited = await call(
    stack.api,
    owner,
    'POST',
    '/api/v1/onramp',
    {},
    { asset: 'USDC', amount: '100' },
  );
  expect(credited.status).toBe(200);
});
afterAll(() => stack.close());
afterEach(() => {
  expect(stack.problems).toEqual([]);
});

it('covers every signed route of both faces', () => {
  const faces = new Set(SIGNED_ROUTES.map((r) => r.path.split('/')[2]));
  expect(faces).toEqual(new Set(['v1', 'v3']));
  expect(SIGNED_ROUTES.map((r) => r.route)).toEqual(expect.arrayContaining(Object.keys(NEEDS)));
});

describe.each(SIGNED_ROUTES)('$route', (route) => {
  it.each(PERMISSIONS)('with a key holding only %s', async (permission) => {
    // Act: the route's own parameters are left out, so an allowed call stops at validation
    const body = route.method === 'GET' || !route.path.startsWith('/api/v1') ? undefined : {};
    const response = KEY_ONLY.has(route.route)
      ? await keyOnly(route.method, route.path, only[permission])
      : await call(stack.api, only[permission], route.method, route.path, {}, body);

    // Assess
    expect(response.status).toBeLessThan(500);
    const refused = !route.path.startsWith('/api/v1')
      ? response.status === 401 && response.body.code === -2015
      : response.status === 403 && response.body.code === 'PERMISSION_DENIED';
    expect({ permission, refused }).toEqual({ permission, refused: permission !== needed(route) });
  });
});

it('applies nothing a refused key asked for', async () => {
  // Act: every permission but the needed one, with parameters that would succeed
  const attempts: [Permission, string, string, Record<string, unknown>][] = [];
  for (const permission of PERMISSIONS) {
    if (permission !== 'withdraw') {
      attempts.push([
        permission,
        'POST',
        '/api/v1/withdrawals',
        { asset: 'USDC', amount: '1', address: 'addr' },
      ]);
    }
    if (permission !== 'manageKeys') {
      attempts.push([permission, 'POST', '/api/v1/keys', { permissions: ['read'] }]);
    }
    if (permission !== 'trade') {
      attempts.push([permission, 'POST', '/api/v1/onramp', { asset: 'USDC', amount: '1' }]);
      attempts.push([
        permission,
        'POST',
        '/api/v1/order',
        { market: 'SOL_USDC', side: 'BUY', type: 'LIMIT', price: '1.00', quantity: '1' },
      ]);
    }
  }
  const answers = [];
  for (const [permission, method, path, body] of attempts) {
    answers.push((await call(stack.api, only[permission], method, path, {}, body)).status);
  }

  // Assess
  expect(new Set(answers)).toEqual(new Set([403]));
  const keys = await stack.db.pool.query('SELECT count(*)::int AS n FROM api_keys WHERE account_id = $1', [
    owner.accountId,
  ]);
  const withdrawals = await stack.db.pool.query(
    'SELECT count(*)::int AS n FROM withdrawal_requests WHERE account_id = $1',
    [owner.accountId],
  );
  const balances = await call(stack.api, owner, 'GET', '/api/v1/balances');
  expect(keys.rows[0].n).toBe(1 + PERMISSIONS.length);
  expect(withdrawals.rows[0].n).toBe(0);
  expect(balances.body.balances).toEqual(
    expect.arrayContaining([{ asset: 'USDC', available: '100.000000', locked: '0.000000' }]),
  );
});
