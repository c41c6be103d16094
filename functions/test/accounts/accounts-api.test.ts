/**
 * Integration tests of the account endpoints through the API Gateway emulator, on real
 * PostgreSQL and Redis: sign-up, listing, creating and revoking keys, and that one
 * account can never touch another's keys.
 */
import { type Harness, send, signUp, startHarness } from '../http/shell/harness.js';

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
    const first = await signUp(stack.api);

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
        permissions: ['read', 'trade'],
        createdAt: expect.any(String),
        revokedAt: null,
      },
      {
        apiKey: created.body.apiKey,
        label: 'read-only',
        permissions: ['read'],
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
    const owner = await signUp(stack.api);
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
    const alice = await signUp(stack.api);
    const mallory = await signUp(stack.api);

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
    const owner = await signUp(stack.api);
    const response = await send(stack.api, { method: 'DELETE', path: '/api/v1/keys', key: owner });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'MISSING_PARAMETER', field: 'apiKey' });
  });
});
