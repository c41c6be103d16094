/**
 * Integration tests of signed requests through the API Gateway emulator, on real
 * PostgreSQL and Redis: Binance's example key and secret signing live requests in
 * every placement Binance allows, then every way a signed request is refused, with
 * the exact status and code on both faces.
 */
import { SecretBox, serverSecretKey } from '@exchange/functions/accounts/secret-box';
import { param, signedEndpoint } from '@exchange/functions/http/api';
import { type Harness, send, signUp, startHarness, type TestRequest } from '../http/shell/harness.js';

// Binance's documentation example key pair.
const BINANCE = {
  apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
  secretKey: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j',
};
const BINANCE_ACCOUNT = 'acc_binanceexample22';
const ORDER = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1';

/** Echoes the caller and the parameters the endpoint's schema saw. */
const whoAmI = (face: 'v1' | 'v3') =>
  signedEndpoint(
    face,
    {
      symbol: param.symbol().optional(),
      side: param.text(4).optional(),
      type: param.text(10).optional(),
      timeInForce: param.text(3).optional(),
      quantity: param.decimal().optional(),
      price: param.decimal().optional(),
    },
    ({ caller, params }) => ({ accountId: caller.accountId, params }),
  );

let stack: Harness;
beforeAll(async () => {
  stack = await startHarness(() => [
    { method: 'ANY', path: '/api/v3/probe', handler: whoAmI('v3') },
    { method: 'ANY', path: '/api/v1/probe', handler: whoAmI('v1') },
  ]);
  await stack.db.pool.query('INSERT INTO accounts (id) VALUES ($1)', [BINANCE_ACCOUNT]);
  await stack.db.pool.query(
    `INSERT INTO api_keys (api_key, account_id, secret_sealed, permissions) VALUES ($1, $2, $3, '{read,trade}')`,
    [
      BINANCE.apiKey,
      BINANCE_ACCOUNT,
      new SecretBox(serverSecretKey()).seal(BINANCE.secretKey, BINANCE.apiKey),
    ],
  );
});
afterAll(() => stack.close());
afterEach(() => {
  expect(stack.problems).toEqual([]);
});

const FORM = 'application/x-www-form-urlencoded';

describe("Binance's example key signs live requests", () => {
  const echoed = {
    accountId: BINANCE_ACCOUNT,
    params: { symbol: 'LTCBTC', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '1', price: '0.1' },
  };

  it.each<[string, TestRequest]>([
    [
      'all in the query string',
      { method: 'POST', path: '/api/v3/probe', query: ORDER, key: BINANCE, recvWindow: 5000 },
    ],
    [
      'all in the form body (sent base64 by API Gateway)',
      { method: 'POST', path: '/api/v3/probe', body: ORDER, contentType: FORM, key: BINANCE, signIn: 'body' },
    ],
    [
      'query string and form body mixed',
      {
        method: 'POST',
        path: '/api/v3/probe',
        query: 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC',
        body: 'quantity=1&price=0.1',
        contentType: FORM,
        key: BINANCE,
        signIn: 'body',
      },
    ],
    [
      '/api/v1 with a JSON body',
      {
        method: 'POST',
        path: '/api/v1/probe',
        body: JSON.stringify({
          symbol: 'LTCBTC',
          side: 'BUY',
          type: 'LIMIT',
          timeInForce: 'GTC',
          quantity: '1',
          price: '0.1',
        }),
        contentType: 'application/json',
        key: BINANCE,
      },
    ],
  ])('%s', async (_, request) => {
    const response = await send(stack.api, request);
    expect(response.status).toBe(200);
    expect(response.body).toEqual(echoed);
  });
});

describe('refusals, on /api/v3 and /api/v1', () => {
  const now = () => Date.now();
  const unknownKey = { apiKey: 'A'.repeat(64), secretKey: BINANCE.secretKey };
  const wrongSecret = { apiKey: BINANCE.apiKey, secretKey: BINANCE.secretKey.replace('N', 'M') };

  interface Case {
    readonly request: Omit<TestRequest, 'path'>;
    readonly v3: readonly [number, number, string];
    readonly v1: readonly [number, string];
  }
  const cases: Record<string, () => Case> = {
    'no API key header': () => ({
      request: { query: 'timestamp=1&signature=00' },
      v3: [401, -2014, 'API-key format invalid.'],
      v1: [401, 'MISSING_API_KEY'],
    }),
    'a malformed API key': () => ({
      request: { query: 'timestamp=1&signature=00', headers: { 'X-MBX-APIKEY': 'short' } },
      v3: [401, -2014, 'API-key format invalid.'],
      v1: [401, 'API_KEY_FORMAT_INVALID'],
    }),
    'an unknown API key': () => ({
      request: { key: unknownKey },
      v3: [401, -2015, 'Invalid API-key, IP, or permissions for action.'],
      v1: [401, 'UNKNOWN_API_KEY'],
    }),
    'the wrong secret': () => ({
      request: { query: ORDER, key: wrongSecret },
      v3: [401, -1022, 'Signature for this request is not valid.'],
      v1: [401, 'INVALID_SIGNATURE'],
    }),
    'a stale timestamp': () => ({
      request: { key: BINANCE, timestamp: now() - 10_000 },
      v3: [401, -1021, 'Timestamp for this request is outside of the recvWindow.'],
      v1: [401, 'TIMESTAMP_OUTSIDE_RECV_WINDOW'],
    }),
    'a timestamp in the future': () => ({
      request: { key: BINANCE, timestamp: now() + 10_000 },
      v3: [401, -1021, "Timestamp for this request was 1000ms ahead of the server's time."],
      v1: [401, 'TIMESTAMP_AHEAD_OF_SERVER'],
    }),
    'recvWindow above 60000': () => ({
      request: { key: BINANCE, recvWindow: 60_001 },
      v3: [400, -1131, "'recvWindow' must be less than 60000."],
      v1: [400, 'RECV_WINDOW_TOO_LARGE'],
    }),
    'no signature': () => ({
      request: { query: `timestamp=${now()}`, headers: { 'X-MBX-APIKEY': BINANCE.apiKey } },
      v3: [400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."],
      v1: [400, 'MISSING_PARAMETER'],
    }),
    'no timestamp': () => ({
      request: {
        query: 'signature=c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71',
        headers: { 'X-MBX-APIKEY': BINANCE.apiKey },
      },
      v3: [400, -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed."],
      v1: [400, 'MISSING_PARAMETER'],
    }),
  };

  it.each(Object.keys(cases))('%s', async (name) => {
    const make = cases[name] as () => Case;
    const v3 = make();
    const onV3 = await send(stack.api, { ...v3.request, path: '/api/v3/probe' });
    expect([onV3.status, onV3.body]).toEqual([v3.v3[0], { code: v3.v3[1], msg: v3.v3[2] }]);

    const v1 = make();
    const onV1 = await send(stack.api, { ...v1.request, path: '/api/v1/probe' });
    expect(onV1.status).toBe(v1.v1[0]);
    expect(onV1.body).toMatchObject({ code: v1.v1[1], message: expect.any(String) });
  });

  it('a revoked key: 401, -2015 / API_KEY_REVOKED', async () => {
    const account = await signUp(stack.api, '{"permissions":["read","trade","manageKeys"]}');
    const revoke = await send(stack.api, {
      method: 'DELETE',
      path: '/api/v1/keys',
      query: `apiKey=${account.apiKey}`,
      key: account,
    });
    expect(revoke.status).toBe(200);

    const onV3 = await send(stack.api, { path: '/api/v3/probe', key: account });
    const onV1 = await send(stack.api, { path: '/api/v1/probe', key: account });

    expect([onV3.status, onV3.body]).toEqual([
      401,
      { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
    ]);
    expect([onV1.status, onV1.body]).toEqual([
      401,
      { code: 'API_KEY_REVOKED', message: 'This API key (X-MBX-APIKEY) was revoked.', field: 'X-MBX-APIKEY' },
    ]);
  });

  it('a replayed request: the same signed request twice is refused the second time', async () => {
    const request: TestRequest = { path: '/api/v3/probe', query: ORDER, key: BINANCE, timestamp: Date.now() };
    const first = await send(stack.api, request);
    const replay = await send(stack.api, request);
    const replayOnV1 = await send(stack.api, { ...request, path: '/api/v1/probe', query: 'symbol=LTCBTC' });
    const replayOnV1Again = await send(stack.api, {
      ...request,
      path: '/api/v1/probe',
      query: 'symbol=LTCBTC',
    });

    expect(first.status).toBe(200);
    expect([replay.status, replay.body]).toEqual([
      401,
      { code: -1002, msg: 'You are not authorized to execute this request.' },
    ]);
    expect(replayOnV1.status).toBe(200);
    expect([replayOnV1Again.status, replayOnV1Again.body]).toEqual([
      401,
      {
        code: 'REPLAYED_REQUEST',
        message: "This request's signature was already used: send a new timestamp.",
        field: 'signature',
      },
    ]);
  });

  it('a read-only key on a trading (POST) endpoint: 401 -2015 on v3, 403 PERMISSION_DENIED on v1', async () => {
    const owner = await signUp(stack.api, '{"permissions":["read","trade","manageKeys"]}');
    const created = await send(stack.api, {
      method: 'POST',
      path: '/api/v1/keys',
      body: '{"permissions":["read"]}',
      key: owner,
    });
    const readOnly = created.body as typeof owner;

    const get = await send(stack.api, { path: '/api/v3/probe', key: readOnly });
    const onV3 = await send(stack.api, { method: 'POST', path: '/api/v3/probe', key: readOnly });
    const onV1 = await send(stack.api, { method: 'POST', path: '/api/v1/probe', key: readOnly });

    expect(get.status).toBe(200);
    expect([onV3.status, onV3.body]).toEqual([
      401,
      { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
    ]);
    expect([onV1.status, onV1.body.code]).toEqual([403, 'PERMISSION_DENIED']);
  });
});
