/**
 * What a Binance client asks for in the path it appends to its stream base URL. API
 * Gateway accepts WebSocket connections only at the stage URL, so clients are given
 * the base URL `wss://{api}/{stage}?path=` and whatever they append lands in the `path`
 * query parameter, which `$connect` reads here. Pure.
 *
 * | appended                          | connection                                                  |
 * | --------------------------------- | ----------------------------------------------------------- |
 * | nothing, `/ws`, `/<n>`, `/ws/<n>` | raw: Binance payloads as they are (`<n>`: a client's number) |
 * | `/ws/<stream>`, `/<stream>`       | raw, subscribed to the stream (several: `/ws/a/b`)          |
 * | `/ws/<listenKey>`, `/<listenKey>` | raw, subscribed to the listen key's user data stream        |
 * | `/stream?streams=a/b/c`           | combined: `{"stream":"a","data":…}`, subscribed to a, b, c  |
 * | `/ws-api/v3`                      | raw (the WebSocket API shares the connection)               |
 */

/** A listen key: 60 letters and digits, as Binance's. */
export const LISTEN_KEY_PATTERN = /^[A-Za-z0-9]{60}$/;

/** The connection a `path` asks for. */
export interface ConnectPath {
  /** Whether Binance streams arrive wrapped as `{"stream":…,"data":…}` (Binance's `/stream`). */
  readonly combined: boolean;
  /** Stream names to subscribe at connect, as the client spelled them. */
  readonly streams: readonly string[];
  /** Listen keys whose user data stream to subscribe at connect. */
  readonly listenKeys: readonly string[];
}

/** Why a `path` was refused. */
export class ConnectPathError extends Error {
  override readonly name = 'ConnectPathError';
}

const MAX_PATH_LENGTH = 8192;

/**
 * Parses the `path` query parameter of `$connect`.
 * @throws ConnectPathError for a path no Binance endpoint has
 *
 * @example
 * parseConnectPath('/stream?streams=solusdc@trade/solusdc@depth');
 * // { combined: true, streams: ['solusdc@trade', 'solusdc@depth'], listenKeys: [] }
 * parseConnectPath('/0'); // { combined: false, streams: [], listenKeys: [] }
 */
export function parseConnectPath(path: string | undefined): ConnectPath {
  const raw = { combined: false, streams: [], listenKeys: [] };
  if (path === undefined || path === '' || path === '/') return raw;
  if (path.length > MAX_PATH_LENGTH) throw new ConnectPathError('path too long');
  const query = path.indexOf('?');
  const route = query === -1 ? path : path.slice(0, query);
  if (route === '/stream' || route === '/stream/') {
    const streams = new URLSearchParams(query === -1 ? '' : path.slice(query + 1)).get('streams') ?? '';
    return { combined: true, ...split(streams.split('/')) };
  }
  if (route === '/ws-api/v3') return raw;
  const segments = route.split('/').filter((segment) => segment !== '');
  if (route[0] !== '/') throw new ConnectPathError(`path must start with '/': ${path}`);
  const names = segments[0] === 'ws' ? segments.slice(1) : segments;
  return { combined: false, ...split(names.filter((name) => !/^\d+$/.test(name))) };
}

function split(names: readonly string[]): Pick<ConnectPath, 'streams' | 'listenKeys'> {
  const streams: string[] = [];
  const listenKeys: string[] = [];
  for (const name of names) {
    if (name === '') continue;
    if (LISTEN_KEY_PATTERN.test(name)) listenKeys.push(name);
    else streams.push(name);
  }
  return { streams, listenKeys };
}
