/**
 * Signature Version 4 for API Gateway's `@connections` calls, cut to what they are: one
 * host, one region, service `execute-api`, no query string, and the headers `host`,
 * `x-amz-date` (and `x-amz-security-token` with temporary credentials). What does not
 * change from one post to the next is worked out once: the credential scope and the
 * signing key per day and secret key, the timestamp per second, the canonical path of
 * the stage. A post then costs three hashes: its body, its canonical request and the
 * signature's HMAC. The canonical path encodes each segment of the sent path once more,
 * as SigV4 wants for every service but S3 (`aws4` agrees: see the signer's test).
 */
import { createHash, createHmac } from 'node:crypto';
import type { Credentials } from '@exchange/sqs-client';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'execute-api';
const EMPTY_BODY_HASH = createHash('sha256').update('').digest('hex');

/** `encodeURIComponent` that also escapes `!'()*`, as RFC 3986 (and SigV4) want. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The canonical form of a path that is already URI-encoded: each segment encoded again. */
function canonicalPath(sentPath: string): string {
  return sentPath.split('/').map(encodeRfc3986).join('/');
}

const sha256Hex = (data: string): string => createHash('sha256').update(data).digest('hex');

/** @example const signer = new ExecuteApiSigner('abc.execute-api.eu-west-1.amazonaws.com', 'eu-west-1'); */
export class ExecuteApiSigner {
  /** The `yyyymmdd` and key of the day the cached signing key is for. */
  private day = '';
  private keyOf = '';
  private signingKey: Buffer = Buffer.alloc(0);
  private scope = '';
  private second = -1;
  private amzDate = '';
  /** The last path's folder (`/{stage}/@connections/`) and its canonical form. */
  private folder = '';
  private canonicalFolder = '';

  constructor(
    private readonly host: string,
    private readonly region: string,
  ) {}

  /**
   * The headers that sign a request: `x-amz-date`, `Authorization` (and
   * `x-amz-security-token`). `path` is the URI-encoded path as sent; `host` is sent as given
   * to the constructor.
   */
  sign(
    method: string,
    path: string,
    body: string,
    credentials: Credentials,
    now = Date.now(),
  ): Record<string, string> {
    const amzDate = this.dateOf(now);
    const day = amzDate.slice(0, 8);
    if (day !== this.day || credentials.secretAccessKey !== this.keyOf) {
      this.day = day;
      this.keyOf = credentials.secretAccessKey;
      this.scope = `${day}/${this.region}/${SERVICE}/aws4_request`;
      const kDate = createHmac('sha256', `AWS4${credentials.secretAccessKey}`).update(day).digest();
      const kRegion = createHmac('sha256', kDate).update(this.region).digest();
      const kService = createHmac('sha256', kRegion).update(SERVICE).digest();
      this.signingKey = createHmac('sha256', kService).update('aws4_request').digest();
    }
    const token = credentials.sessionToken;
    const signedHeaders = token === undefined ? 'host;x-amz-date' : 'host;x-amz-date;x-amz-security-token';
    const canonicalHeaders =
      token === undefined
        ? `host:${this.host}\nx-amz-date:${amzDate}\n`
        : `host:${this.host}\nx-amz-date:${amzDate}\nx-amz-security-token:${token}\n`;
    const canonicalRequest = `${method}\n${this.canonicalPathOf(path)}\n\n${canonicalHeaders}\n${signedHeaders}\n${
      body === '' ? EMPTY_BODY_HASH : sha256Hex(body)
    }`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${this.scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac('sha256', this.signingKey).update(stringToSign).digest('hex');
    const headers: Record<string, string> = {
      'x-amz-date': amzDate,
      authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${this.scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
    if (token !== undefined) headers['x-amz-security-token'] = token;
    return headers;
  }

  /** {@link canonicalPath}, with the folder's part worked out once. */
  private canonicalPathOf(path: string): string {
    const slash = path.lastIndexOf('/') + 1;
    const folder = path.slice(0, slash);
    if (folder !== this.folder) {
      this.folder = folder;
      this.canonicalFolder = canonicalPath(folder);
    }
    return this.canonicalFolder + encodeRfc3986(path.slice(slash));
  }

  /** `yyyymmddThhmmssZ`, worked out once per second. */
  private dateOf(now: number): string {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.amzDate = new Date(second * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '');
    }
    return this.amzDate;
  }
}
