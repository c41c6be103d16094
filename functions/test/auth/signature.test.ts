/**
 * Unit tests of Binance's signing scheme (no network): Binance's own documented
 * examples, the timing rule at its exact boundaries, and every refusal.
 */
import fc from 'fast-check';
import {
  hmacSha256Hex,
  type SignedRequestParts,
  signaturePayload,
  verifySignedRequest,
} from '../../src/auth/signature.js';

// Binance's documentation example (Spot API, "SIGNED endpoint examples for POST /api/v3/order").
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const PARAMS =
  'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
const SIGNATURE = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
const TIMESTAMP = 1499827319559;

const query = (rawQueryString: string): SignedRequestParts => ({ rawQueryString, body: '', formBody: false });
const form = (rawQueryString: string, body: string): SignedRequestParts => ({
  rawQueryString,
  body,
  formBody: true,
});

describe("Binance's documented examples", () => {
  it('computes the documented signature of the example order', () => {
    expect(hmacSha256Hex(SECRET, PARAMS)).toBe(SIGNATURE);
  });

  it('accepts example 1: every parameter in the query string', () => {
    const check = verifySignedRequest(query(`${PARAMS}&signature=${SIGNATURE}`), SECRET, TIMESTAMP + 100);
    expect(check).toEqual({ ok: true, timestamp: TIMESTAMP, recvWindow: 5000, signature: SIGNATURE });
  });

  it('accepts example 2: every parameter in the form body', () => {
    const check = verifySignedRequest(form('', `${PARAMS}&signature=${SIGNATURE}`), SECRET, TIMESTAMP + 100);
    expect(check.ok).toBe(true);
  });

  it('accepts example 3: query string and form body concatenated without a separator', () => {
    // Binance's mixed example: the payload is "…timeInForce=GTCquantity=1…".
    const parts = form(
      'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC',
      'quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77',
    );
    expect(signaturePayload(parts)).toBe(
      'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559',
    );
    expect(verifySignedRequest(parts, SECRET, TIMESTAMP + 100).ok).toBe(true);
  });

  it('signs the percent-encoded bytes as sent (the non-ASCII example)', () => {
    const sent =
      'symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
    const signature = 'e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3';
    expect(verifySignedRequest(query(`${sent}&signature=${signature}`), SECRET, TIMESTAMP).ok).toBe(true);
  });

  it('accepts the signature in upper case (HMAC signatures are case-insensitive)', () => {
    const check = verifySignedRequest(
      query(`${PARAMS}&signature=${SIGNATURE.toUpperCase()}`),
      SECRET,
      TIMESTAMP,
    );
    expect(check).toMatchObject({ ok: true, signature: SIGNATURE });
  });
});

describe('timing: timestamp < now + 1000 and now - timestamp <= recvWindow', () => {
  const signed = `${PARAMS}&signature=${SIGNATURE}`;

  it.each([
    ['exactly recvWindow old', TIMESTAMP + 5000, true],
    ['one ms past recvWindow', TIMESTAMP + 5001, 'TIMESTAMP_OUTSIDE_RECV_WINDOW'],
    ['999 ms ahead of the server', TIMESTAMP - 999, true],
    ['1000 ms ahead of the server', TIMESTAMP - 1000, 'TIMESTAMP_AHEAD_OF_SERVER'],
  ])('%s', (_, now, outcome) => {
    const check = verifySignedRequest(query(signed), SECRET, now);
    if (outcome === true) expect(check.ok).toBe(true);
    else expect(check).toEqual({ ok: false, failure: { code: outcome, field: 'timestamp' } });
  });

  it('defaults recvWindow to 5000 ms', () => {
    const payload = `timestamp=${TIMESTAMP}`;
    const parts = query(`${payload}&signature=${hmacSha256Hex(SECRET, payload)}`);
    expect(verifySignedRequest(parts, SECRET, TIMESTAMP + 5000)).toMatchObject({
      ok: true,
      recvWindow: 5000,
    });
    expect(verifySignedRequest(parts, SECRET, TIMESTAMP + 5001).ok).toBe(false);
  });

  it('accepts recvWindow up to 60000 with three decimals, and refuses more', () => {
    const sign = (payload: string) => query(`${payload}&signature=${hmacSha256Hex(SECRET, payload)}`);
    expect(
      verifySignedRequest(sign(`timestamp=${TIMESTAMP}&recvWindow=60000`), SECRET, TIMESTAMP + 60_000),
    ).toMatchObject({ ok: true, recvWindow: 60_000 });
    expect(
      verifySignedRequest(sign(`timestamp=${TIMESTAMP}&recvWindow=6000.346`), SECRET, TIMESTAMP),
    ).toMatchObject({
      ok: true,
      recvWindow: 6000.346,
    });
    expect(verifySignedRequest(sign(`timestamp=${TIMESTAMP}&recvWindow=60001`), SECRET, TIMESTAMP)).toEqual({
      ok: false,
      failure: { code: 'RECV_WINDOW_TOO_LARGE', field: 'recvWindow' },
    });
  });
});

describe('refusals', () => {
  const sign = (payload: string, secret = SECRET) => `${payload}&signature=${hmacSha256Hex(secret, payload)}`;

  it.each([
    ['no signature', query(PARAMS), { code: 'MISSING_PARAMETER', field: 'signature' }],
    ['an empty signature', query(`${PARAMS}&signature=`), { code: 'MISSING_PARAMETER', field: 'signature' }],
    ['no timestamp', query(sign('symbol=LTCBTC')), { code: 'MISSING_PARAMETER', field: 'timestamp' }],
    [
      'a timestamp that is not digits',
      query(sign('timestamp=1499827319559.5')),
      { code: 'ILLEGAL_CHARACTERS', field: 'timestamp', legalRange: '^[0-9]{1,20}$' },
    ],
    [
      'a negative recvWindow',
      query(sign(`timestamp=${TIMESTAMP}&recvWindow=-1`)),
      { code: 'ILLEGAL_CHARACTERS', field: 'recvWindow', legalRange: '^[0-9]{1,20}(\\.[0-9]{1,3})?$' },
    ],
    [
      'the wrong secret',
      query(sign(PARAMS, SECRET.replace('N', 'M'))),
      { code: 'INVALID_SIGNATURE', field: 'signature' },
    ],
    [
      'a parameter changed after signing',
      query(`${PARAMS.replace('quantity=1', 'quantity=2')}&signature=${SIGNATURE}`),
      { code: 'INVALID_SIGNATURE', field: 'signature' },
    ],
    [
      'a signature that is not hex',
      query(`${PARAMS}&signature=${'z'.repeat(64)}`),
      { code: 'INVALID_SIGNATURE', field: 'signature' },
    ],
    [
      'a truncated signature',
      query(`${PARAMS}&signature=${SIGNATURE.slice(2)}`),
      { code: 'INVALID_SIGNATURE', field: 'signature' },
    ],
    [
      'timestamp twice in the query string',
      query(`${PARAMS}&timestamp=${TIMESTAMP}&signature=${SIGNATURE}`),
      { code: 'DUPLICATE_PARAMETER', field: 'timestamp' },
    ],
  ])('%s', (_, parts, failure) => {
    expect(verifySignedRequest(parts, SECRET, TIMESTAMP)).toEqual({ ok: false, failure });
  });
});

describe('the signed payload', () => {
  it('drops the signature wherever it stands and keeps every other byte', () => {
    expect(signaturePayload(query(`a=1&signature=ff&b=%20x&&c`))).toBe('a=1&b=%20x&&c');
  });

  it('signs a JSON body as raw bytes after the query string (/api/v1)', () => {
    const body = '{"symbol":"SOL_USDC","price":"1.50"}';
    const q = `timestamp=${TIMESTAMP}`;
    const parts = {
      rawQueryString: `${q}&signature=${hmacSha256Hex(SECRET, q + body)}`,
      body,
      formBody: false,
    };
    expect(verifySignedRequest(parts, SECRET, TIMESTAMP).ok).toBe(true);
    expect(
      verifySignedRequest({ ...parts, body: body.replace('1.50', '1.5') }, SECRET, TIMESTAMP),
    ).toMatchObject({
      ok: false,
      failure: { code: 'INVALID_SIGNATURE' },
    });
  });

  it('does not read timestamp or signature from a JSON body', () => {
    const body = `{"timestamp":${TIMESTAMP}}`;
    const parts = { rawQueryString: `signature=${hmacSha256Hex(SECRET, body)}`, body, formBody: false };
    expect(verifySignedRequest(parts, SECRET, TIMESTAMP)).toEqual({
      ok: false,
      failure: { code: 'MISSING_PARAMETER', field: 'timestamp' },
    });
  });

  it('prefers the query string where it and the form body both send a parameter', () => {
    const q = `timestamp=${TIMESTAMP}`;
    const body = `timestamp=${TIMESTAMP - 60_000}`;
    const parts = form(`${q}&signature=${hmacSha256Hex(SECRET, q + body)}`, body);
    expect(verifySignedRequest(parts, SECRET, TIMESTAMP)).toMatchObject({ ok: true, timestamp: TIMESTAMP });
  });

  it('verifies any signed form request and refuses it once any byte changes (property)', () => {
    const value = fc.stringMatching(/^[A-Za-z0-9._%-]{0,12}$/);
    const params = fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), value), { maxLength: 6 });
    fc.assert(
      fc.property(params, fc.boolean(), fc.nat(), (pairs, inBody, flip) => {
        const unsigned = [
          ...pairs.filter(([k]) => !['timestamp', 'recvWindow', 'signature'].includes(k)),
          ['timestamp', String(TIMESTAMP)],
        ]
          .map(([k, v]) => `${k}=${v}`)
          .join('&');
        const signed = `${unsigned}&signature=${hmacSha256Hex(SECRET, unsigned)}`;
        const parts = inBody ? form('', signed) : query(signed);
        expect(verifySignedRequest(parts, SECRET, TIMESTAMP).ok).toBe(true);

        const at = flip % unsigned.length;
        const changed = `${unsigned.slice(0, at)}${unsigned[at] === 'x' ? 'y' : 'x'}${unsigned.slice(at + 1)}`;
        const forged = `${changed}&signature=${hmacSha256Hex(SECRET, unsigned)}`;
        expect(verifySignedRequest(inBody ? form('', forged) : query(forged), SECRET, TIMESTAMP).ok).toBe(
          false,
        );
      }),
      { numRuns: 500 },
    );
  });
});
