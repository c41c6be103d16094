/**
 * Unit: the `@connections` signer signs as `aws4` (a general SigV4 implementation)
 * does for the same request, with fixed and temporary credentials, across days.
 */
import aws4 from 'aws4';
import { ExecuteApiSigner } from '../../src/fanout/execute-api-signer.js';

const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
const REGION = 'eu-west-1';
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** What aws4 puts in the headers for the same request at `now` (whole seconds). */
function aws4Headers(
  method: string,
  path: string,
  body: string,
  credentials: typeof KEYS & { sessionToken?: string },
  now: number,
): Record<string, string> {
  const amzDate = new Date(now - (now % 1000)).toISOString().replace(/[:-]|\.\d{3}/g, '');
  const headers: Record<string, string> = { 'X-Amz-Date': amzDate };
  if (credentials.sessionToken !== undefined) headers['X-Amz-Security-Token'] = credentials.sessionToken;
  const signer = new aws4.RequestSigner(
    {
      host: HOST,
      path,
      method,
      service: 'execute-api',
      region: REGION,
      body,
      headers,
      doNotModifyHeaders: true,
    },
    credentials,
  );
  (signer as unknown as { datetime: string }).datetime = amzDate;
  return signer.sign().headers as Record<string, string>;
}

describe('ExecuteApiSigner', () => {
  it.each([
    ['POST', 'L5fXkdIhoAMCJ8w=', '{"stream":"trades@SOL_USDC","data":{"price":"100.00"}}'],
    ['POST', "id with spaces/slash!'()*", '[{"a":1},{"b":"é"}]'],
    ['DELETE', 'L5fXkdIhoAMCJ8w=', ''],
  ])('signs %s to %j as aws4 does', (method, connectionId, body) => {
    // Prepare
    const signer = new ExecuteApiSigner(HOST, REGION);
    const path = `/prod/@connections/${encodeURIComponent(connectionId)}`;
    const now = Date.UTC(2026, 0, 31, 23, 59, 59, 500);

    // Act
    const headers = signer.sign(method, path, body, KEYS, now);

    // Assess
    const reference = aws4Headers(method, path, body, KEYS, now);
    expect(headers.authorization).toBe(reference.Authorization);
    expect(headers['x-amz-date']).toBe(reference['X-Amz-Date']);
  });

  it('signs with a session token, and with the next day’s key after midnight', () => {
    // Prepare
    const signer = new ExecuteApiSigner(HOST, REGION);
    const temporary = { ...KEYS, sessionToken: 'FwoGZXIvYXdzEBYaDH+token==' };
    const path = '/prod/@connections/abc%3D';
    const before = Date.UTC(2026, 0, 31, 23, 59, 59);
    const after = before + 1000;

    // Act
    const first = signer.sign('POST', path, '{}', temporary, before);
    const second = signer.sign('POST', path, '{}', temporary, after);

    // Assess
    const reference = (now: number) => aws4Headers('POST', path, '{}', temporary, now);
    expect(first.authorization).toBe(reference(before).Authorization);
    expect(second.authorization).toBe(reference(after).Authorization);
    expect(second.authorization).toContain('/20260201/eu-west-1/execute-api/aws4_request');
    expect(second['x-amz-security-token']).toBe(temporary.sessionToken);
  });
});
