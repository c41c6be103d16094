/**
 * Binance's WebSocket API signing, HMAC-SHA256: every parameter of `params` but
 * `signature` (`apiKey` included), sorted by name, written `name=value` and joined with
 * `&`; the signature is the hex HMAC of that text under the key's secret. Clients differ
 * in whether they percent-encode the values (Binance's examples do not; some SDKs do),
 * so either text is accepted. Timing (`timestamp`, `recvWindow`) is the REST API's. Pure.
 *
 * @example
 * // Binance's documented example (its secret signs this text to aa1b5712…db24):
 * wsApiSigningPayload({ symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'GTC',
 *   quantity: '0.01000000', price: '52000.00', recvWindow: '100', timestamp: '1645423376532', apiKey: 'vmPUZE6…' });
 * // 'apiKey=vmPUZE6…&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT'
 */
import { type SignatureCheck, verifySignedRequest } from '../auth/signature.js';

/** The text a WebSocket API request's signature covers (values as sent, or percent-encoded). */
export function wsApiSigningPayload(params: Readonly<Record<string, string>>, encode = false): string {
  return Object.keys(params)
    .filter((name) => name !== 'signature')
    .sort()
    .map((name) => `${name}=${encode ? encodeURIComponent(params[name] as string) : params[name]}`)
    .join('&');
}

/** Checks a WebSocket API request's signature and timing at `nowMs`, as REST checks a query's. */
export function checkWsApiSignature(
  params: Readonly<Record<string, string>>,
  secretKey: string,
  nowMs: number,
): SignatureCheck {
  const signature =
    params.signature === undefined ? '' : `&signature=${encodeURIComponent(params.signature)}`;
  const plain = verifySignedRequest(
    { rawQueryString: `${wsApiSigningPayload(params)}${signature}`, body: '', formBody: false },
    secretKey,
    nowMs,
  );
  if (plain.ok || plain.failure.code !== 'INVALID_SIGNATURE') return plain;
  return verifySignedRequest(
    { rawQueryString: `${wsApiSigningPayload(params, true)}${signature}`, body: '', formBody: false },
    secretKey,
    nowMs,
  );
}
