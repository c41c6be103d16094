/** Unit: what `$connect` reads from the `path` query parameter, and the WebSocket API's signing. */
import { checkWsApiSignature, wsApiSigningPayload } from '../../src/ws/api-signing.js';
import { ConnectPathError, parseConnectPath } from '../../src/ws/connect-path.js';

const LISTEN_KEY = 'pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1';

describe('parseConnectPath', () => {
  it.each([
    [undefined, { combined: false, streams: [], listenKeys: [] }],
    ['', { combined: false, streams: [], listenKeys: [] }],
    ['/ws', { combined: false, streams: [], listenKeys: [] }],
    ['/0', { combined: false, streams: [], listenKeys: [] }],
    ['/ws/3', { combined: false, streams: [], listenKeys: [] }],
    ['/ws-api/v3', { combined: false, streams: [], listenKeys: [] }],
    ['/ws/solusdc@trade', { combined: false, streams: ['solusdc@trade'], listenKeys: [] }],
    ['/solusdc@depth@100ms', { combined: false, streams: ['solusdc@depth@100ms'], listenKeys: [] }],
    [
      '/stream?streams=solusdc@trade/!miniTicker@arr',
      { combined: true, streams: ['solusdc@trade', '!miniTicker@arr'], listenKeys: [] },
    ],
    ['/stream', { combined: true, streams: [], listenKeys: [] }],
  ])('reads %p', (path, expected) => {
    expect(parseConnectPath(path)).toEqual(expected);
  });

  it('tells a listen key from a stream, under /ws and alone', () => {
    const key = LISTEN_KEY.slice(0, 60);
    expect(parseConnectPath(`/ws/${key}`)).toEqual({ combined: false, streams: [], listenKeys: [key] });
    expect(parseConnectPath(`/${key}`)).toEqual({ combined: false, streams: [], listenKeys: [key] });
  });

  it('refuses a path that does not start with a slash', () => {
    expect(() => parseConnectPath('ws/solusdc@trade')).toThrow(ConnectPathError);
  });
});

describe('WebSocket API signing', () => {
  const secret = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
  const params = {
    symbol: 'BTCUSDT',
    side: 'SELL',
    type: 'LIMIT',
    timeInForce: 'GTC',
    quantity: '0.01000000',
    price: '52000.00',
    recvWindow: '100',
    timestamp: '1645423376532',
    apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A',
    signature: 'aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24',
  };

  it("builds Binance's documented payload: sorted, apiKey included, signature left out", () => {
    expect(wsApiSigningPayload(params)).toBe(
      'apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT',
    );
  });

  it("accepts Binance's documented signature within the window, and refuses a changed parameter", () => {
    const now = 1645423376532 + 50;
    expect(checkWsApiSignature(params, secret, now)).toMatchObject({ ok: true, signature: params.signature });
    expect(checkWsApiSignature({ ...params, price: '52000.01' }, secret, now)).toMatchObject({
      ok: false,
      failure: { code: 'INVALID_SIGNATURE' },
    });
    expect(checkWsApiSignature(params, secret, now + 1000)).toMatchObject({
      ok: false,
      failure: { code: 'TIMESTAMP_OUTSIDE_RECV_WINDOW' },
    });
  });
});
