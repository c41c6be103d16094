/**
 * Unit tests of the error table and the parameter reader (no network): every code
 * renders on both faces, every engine rejection is mapped, the README documents every
 * code, and bodies are read the way each face defines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REJECT_CODES } from '@exchange/protocol';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ApiError, rejectionError } from '../../../src/http/api-error.js';
import { ERROR_SPECS, type ErrorCode } from '../../../src/http/error-codes.js';
import { readRequest } from '../../../src/http/middleware/params.js';

const CODES = Object.keys(ERROR_SPECS) as ErrorCode[];
/** Codes about one parameter: their native message quotes it. */
const PARAMETER_CODES: readonly ErrorCode[] = [
  'MISSING_PARAMETER',
  'ILLEGAL_CHARACTERS',
  'BAD_PARAMETER',
  'BAD_PRECISION',
  'DUPLICATE_PARAMETER',
  'UNKNOWN_PARAMETER',
  'PARAMETER_NOT_REQUIRED',
  'UNKNOWN_SYMBOL',
  'API_KEY_NOT_FOUND',
  ...REJECT_CODES,
];

describe('the error table', () => {
  it.each(CODES)('%s renders on both faces', (code) => {
    const error = new ApiError(code, { field: 'someField' });
    const v1 = error.body('v1');
    const v3 = error.body('v3');
    expect(v1).toEqual({ code, message: expect.any(String), field: 'someField' });
    expect(v3).toEqual({ code: expect.any(Number), msg: expect.any(String) });
    expect((v3 as { code: number }).code).toBeLessThan(0);
    expect([error.status('v1'), error.status('v3')].every((s) => s >= 400 && s < 600)).toBe(true);
    if (PARAMETER_CODES.includes(code)) expect(error.message).toContain("'someField'");
  });

  it('maps every engine reject code', () => {
    for (const code of REJECT_CODES) expect(rejectionError(code).status('v3')).toBe(400);
    expect(rejectionError('UNKNOWN_ORDER', { action: 'cancel' }).body('v3')).toEqual({
      code: -2011,
      msg: 'Unknown order sent.',
    });
    expect(rejectionError('UNKNOWN_ORDER', { action: 'query' }).body('v3')).toEqual({
      code: -2013,
      msg: 'Order does not exist.',
    });
    expect(rejectionError('INSUFFICIENT_FUNDS', { field: 'quantity' }).body('v1')).toEqual({
      code: 'INSUFFICIENT_FUNDS',
      message: "Parameter 'quantity': Available balance is too low.",
      field: 'quantity',
    });
  });

  it('is documented in full in functions/src/http/README.md', () => {
    const readme = readFileSync(join(process.cwd(), 'functions', 'src', 'http', 'README.md'), 'utf8');
    for (const code of CODES) expect(readme).toContain(`| \`${code}\``);
  });
});

describe('readRequest', () => {
  const event = (over: Partial<APIGatewayProxyEventV2>): APIGatewayProxyEventV2 =>
    ({ rawQueryString: '', headers: {}, isBase64Encoded: false, ...over }) as APIGatewayProxyEventV2;

  it('decodes a base64 form body on /api/v3 and lets the query string win', () => {
    const body = Buffer.from('symbol=BTCUSDC&side=BUY').toString('base64');
    const state = readRequest(event({ rawQueryString: 'symbol=SOLUSDC', body, isBase64Encoded: true }), 'v3');
    expect(state.params).toEqual({ symbol: 'SOLUSDC', side: 'BUY' });
    expect(state.rawBody).toBe('symbol=BTCUSDC&side=BUY');
  });

  it('refuses a body that is not UTF-8', () => {
    const body = Buffer.from([0x61, 0x3d, 0xff]).toString('base64');
    expect(() => readRequest(event({ body, isBase64Encoded: true }), 'v3')).toThrow(
      expect.objectContaining({
        code: 'ILLEGAL_CHARACTERS',
        details: expect.objectContaining({ field: 'body' }),
      }),
    );
    expect(() => readRequest(event({ body, isBase64Encoded: true }), 'v1')).toThrow(
      expect.objectContaining({ code: 'MALFORMED_JSON' }),
    );
  });

  it('keeps a JSON "__proto__" key as data, never as a prototype', () => {
    const state = readRequest(event({ body: '{"__proto__":{"admin":true},"a":"1"}' }), 'v1');
    expect(Object.keys(state.params)).toEqual(['__proto__', 'a']);
    expect((state.params as { admin?: unknown }).admin).toBeUndefined();
  });
});
