/**
 * Integration tests of the account endpoints through the API Gateway emulator, on real
 * PostgreSQL and Redis: sign-up, listing, creating and revoking keys, and that one
 * account can never touch another's keys.
 */
import { type Harness, send, signUp, startHarness } from '../http/shell/harness.js';

/** Sign-up asking for key management as well as the default read and trade. */
const MANAGER = '{"permissions":["read","trade","manageKeys"]}';

let stack: Harness;
beforeAll(async () => {
  stack = await startHarness();
});
afterAll(() => stack.close());
afterEach(() => {
  expect(stack.problems).toEqual([]);
});

describe('POST /api/v1/accounts', () => {
  it('creates an account and returns its first key and secret, once', async () => {
    // Act
    const response = await send(stack.api, {
      method: 'POST',
      path: '/api/v1/accounts',
      body: '{"label":"bot"}',
      contentType: 'application/json',
    });

    // Assess
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      accountId: expect.stringMatching(/^acc_[a-z2-7]{16}$/),
      apiKey: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
      secretKey: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
      label: 'bot',
      permissions: ['read', 'trade'],
      ipAllowList: [],
    });
    const stored = await stack.db.pool.query('SELECT * FROM api_keys WHERE api_key = $1', [
      response.body.apiKey,
    ]);
    expect(JSON.stringify(stored.rows)).not.toContain(response.body.secretKey as string);
    expect(
      (stored.rows[0].secret_sealed as Buffer).includes(Buffer.from(response.body.secretKey as string)),
    ).toBe(false);
  });

  it('accepts an empty body', async () => {
    const response = await send(stack.api, { method: 'POST', path: '/api/v1/accounts' });
    expect(response.status).toBe(201);
  });

  it('is refused with SIGNUP_DISABLED when OPEN_SIGNUP=false', async () => {
    process.env.OPEN_SIGNUP = 'false';
    try {
      const response = await send(stack.api, { method: 'POST', path: '/api/v1/accounts' });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        code: 'SIGNUP_DISABLED',
        message: 'Open sign-up is disabled on this deployment.',
      });
    } finally {
      delete process.env.OPEN_SIGNUP;
    }
  });

  it('names the field of a bad label', async () => {
    const response = await send(stack.api, {
      method: 'POST',
      path: '/api/v1/accounts',
      body: JSON.stringify({ label: 'x'.repeat(65) }),
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'BAD_PARAMETER', field: 'label' });
  });
});

describe('/api/v1/keys', () => {
  it('lists, creates and revokes the caller’s keys, never showing a secret', async () => {
    // Prepare
    const first = await signUp(stack.api, MANAGER);

    // Act
    const created = await send(stack.api, {
      method: 'POST',
      path: '/api/v1/keys',
      body: '{"label":"read-only","permissions":["read"]}',
      contentType: 'application/json',
      key: first,
    });
    const listed = await send(stack.api, { path: '/api/v1/keys', key: first });
    const revoked = await send(stack.api, {
      method: 'DELETE',
      path: '/api/v1/keys',
      query: `apiKey=${created.body.apiKey}`,
      key: first,
    });
    const afterRevoke = await send(stack.api, { path: '/api/v1/keys', key: created.body as typeof first });

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      accountId: first.accountId,
      label: 'read-only',
      permissions: ['read'],
    });
    expect(listed.status).toBe(200);
    expect(listed.body.keys).toEqual([
      {
        apiKey: first.apiKey,
        label: '',
        permissions: ['read', 'trade', 'manageKeys'],
        ipAllowList: [],
        createdAt: expect.any(String),
        revokedAt: null,
      },
      {
        apiKey: created.body.apiKey,
        label: 'read-only',
        permissions: ['read'],
        ipAllowList: [],
        createdAt: expect.any(String),
        revokedAt: null,
      },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(first.secretKey);
    expect(revoked).toMatchObject({ status: 200, body: { apiKey: created.body.apiKey, revoked: true } });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body).toMatchObject({ code: 'API_KEY_REVOKED' });
  });

  it('lets a read-only key list but not create keys', async () => {
    const owner = await signUp(stack.api, MANAGER);
    const readOnly = await send(stack.api, {
      method: 'POST',
      path: '/api/v1/keys',
      body: '{"permissions":["read"]}',
      key: owner,
    });
    const key = readOnly.body as typeof owner;

    const list = await send(stack.api, { path: '/api/v1/keys', key });
    const create = await send(stack.api, { method: 'POST', path: '/api/v1/keys', body: '{}', key });

    expect(list.status).toBe(200);
    expect(create.status).toBe(403);
    expect(create.body).toMatchObject({ code: 'PERMISSION_DENIED', field: 'X-MBX-APIKEY' });
  });

  it('never lets one account see or revoke another account’s keys', async () => {
    // Prepare
    const alice = await signUp(stack.api, MANAGER);
    const mallory = await signUp(stack.api, MANAGER);

    // Act
    const attempt = await send(stack.api, {
      method: 'DELETE',
      path: '/api/v1/keys',
      query: `apiKey=${alice.apiKey}`,
      key: mallory,
    });
    const malloryList = await send(stack.api, { path: '/api/v1/keys', key: mallory });
    const aliceStillWorks = await send(stack.api, { path: '/api/v1/keys', key: alice });

    // Assess
    expect(attempt.status).toBe(404);
    expect(attempt.body).toEqual({
      code: 'API_KEY_NOT_FOUND',
      message: "Parameter 'apiKey' names no API key of this account.",
      field: 'apiKey',
    });
    expect(malloryList.body.keys).toEqual([expect.objectContaining({ apiKey: mallory.apiKey })]);
    expect(aliceStillWorks.status).toBe(200);
  });

  it('refuses a DELETE without apiKey, naming it', async () => {
    const owner = await signUp(stack.api, MANAGER);
    const response = await send(stack.api, { method: 'DELETE', path: '/api/v1/keys', key: owner });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'MISSING_PARAMETER', field: 'apiKey' });
  });
});

describe('key permissions', () => {
  it('grants neither withdraw nor manageKeys unless asked, at sign-up or after', async () => {
    const plain = await signUp(stack.api);
    const manager = await signUp(stack.api, MANAGER);

    const mint = await send(stack.api, { method: 'POST', path: '/api/v1/keys', body: '{}', key: plain });
    const minted = await send(stack.api, { method: 'POST', path: '/api/v1/keys', body: '{}', key: manager });

    expect(mint.status).toBe(403);
    expect(mint.body).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(minted.status).toBe(201);
    expect(minted.body).toMatchObject({ permissions: ['read', 'trade'], ipAllowList: [] });
  });

  it('never lets a key create a key with a permission it lacks', async () => {
    const manager = await signUp(stack.api, MANAGER);

    const withdraw = await send(stack.api, {
      method: 'POST',
      path: '/api/v1/keys',
      body: '{"permissions":["read","withdraw"]}',
      key: manager,
    });
    const onV1Listed = await send(stack.api, { path: '/api/v1/keys', key: manager });

    expect(withdraw.status).toBe(403);
    expect(withdraw.body).toMatchObject({ code: 'PERMISSION_ESCALATION', field: 'permissions' });
    expect(withdraw.body.message).toContain('withdraw');
    expect(onV1Listed.body.keys).toHaveLength(1);
  });

  it('refuses an unknown permission, naming the field', async () => {
    const response = await send(stack.api, {
      method: 'POST',
      path: '/api/v1/accounts',
      body: '{"permissions":["read","admin"]}',
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'BAD_PARAMETER', field: 'permissions.1' });
  });
});

describe('IP allow-lists', () => {
  it('refuses a key from an address outside its list, and serves it from one inside', async () => {
    const elsewhere = await signUp(
      stack.api,
      '{"permissions":["read","trade","manageKeys"],"ipAllowList":["203.0.113.0/24","2001:db8::/32"]}',
    );
    const here = await signUp(stack.api, '{"ipAllowList":["10.9.8.7","127.0.0.0/8","::1"]}');

    const refused = await send(stack.api, { path: '/api/v1/keys', key: elsewhere });
    const refusedOnV3 = await send(stack.api, { path: '/api/v3/account', key: elsewhere });
    const served = await send(stack.api, { path: '/api/v1/keys', key: here });

    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'IP_NOT_ALLOWED', field: 'X-MBX-APIKEY' });
    expect([refusedOnV3.status, refusedOnV3.body]).toEqual([
      401,
      { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' },
    ]);
    expect(served.status).toBe(200);
    expect((served.body.keys as { ipAllowList: string[] }[])[0]?.ipAllowList).toEqual([
      '10.9.8.7',
      '127.0.0.0/8',
      '::1',
    ]);
  });

  it('lets a restricted key create keys only within its own list', async () => {
    const restricted = await signUp(
      stack.api,
      '{"permissions":["read","trade","manageKeys"],"ipAllowList":["127.0.0.0/8","::1"]}',
    );
    const create = (body: string) =>
      send(stack.api, { method: 'POST', path: '/api/v1/keys', body, key: restricted });

    const wider = await create('{"ipAllowList":["0.0.0.0/0"]}');
    const narrower = await create('{"ipAllowList":["127.0.0.1"]}');
    const inherited = await create('{}');

    expect(wider.status).toBe(403);
    expect(wider.body).toMatchObject({ code: 'PERMISSION_ESCALATION', field: 'ipAllowList' });
    expect(narrower.status).toBe(201);
    expect(narrower.body.ipAllowList).toEqual(['127.0.0.1']);
    expect(inherited.status).toBe(201);
    expect(inherited.body.ipAllowList).toEqual(['127.0.0.0/8', '::1']);
  });

  it('refuses entries that are not addresses or CIDR blocks', async () => {
    for (const entry of ['example.com', '10.0.0.0/33', '10.0.0.1/', '::1/129', '1.2.3']) {
      const response = await send(stack.api, {
        method: 'POST',
        path: '/api/v1/accounts',
        body: JSON.stringify({ ipAllowList: [entry] }),
      });
      expect([entry, response.status, response.body.field]).toEqual([entry, 400, 'ipAllowList']);
    }
  });
});

describe('text fields', () => {
  it('refuses a NUL in a label with 400 ILLEGAL_CHARACTERS, storing nothing', async () => {
    const before = await stack.db.pool.query('SELECT count(*)::int AS n FROM accounts');
    const response = await send(stack.api, {
      method: 'POST',
      path: '/api/v1/accounts',
      body: JSON.stringify({ label: 'bot\u0000' }),
    });
    const after = await stack.db.pool.query('SELECT count(*)::int AS n FROM accounts');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'ILLEGAL_CHARACTERS', field: 'label' });
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
