/**
 * The bench's WebSocket clients, in a process of their own (forked by `main.ts`):
 * connects `--clients` sockets to the stream API, subscribes each to the market's
 * trades and depth, and measures every message: delivery latency (arrival − the
 * engine's event `time`), count, gaps (a trade id or depth update id that does not
 * follow the previous one), and the WebSocket messages each connection received (one
 * per post to `@connections`, whatever number of stream frames it carries).
 *
 * IPC: parent sends `{ url, clients, market }`; child answers `ready`; `measure` resets
 * the counters; `report` answers with the histogram, counts and the messages per socket.
 */
import WebSocket from 'ws';
import { LatencyHistogram } from './latency-histogram.js';

interface Setup {
  readonly url: string;
  readonly clients: number;
  readonly market: string;
}

interface Frame {
  readonly stream?: string;
  readonly data?: { time: number; tradeId?: number; firstUpdateId?: number; lastUpdateId?: number };
  readonly result?: unknown;
}

let histogram = new LatencyHistogram();
let messages = 0;
let gaps = 0;
let measuring = false;
const sockets: WebSocket[] = [];
/** WebSocket messages received per socket while measuring. */
const received = new Map<WebSocket, number>();

function client(setup: Setup): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(setup.url);
    let lastTradeId: number | undefined;
    let lastUpdateId: number | undefined;
    const trades = `trades@${setup.market}`;
    const depth = `depth@${setup.market}`;
    socket.on('message', (raw) => {
      const now = Date.now();
      if (measuring) received.set(socket, (received.get(socket) ?? 0) + 1);
      const parsed = JSON.parse(raw.toString()) as Frame | Frame[];
      for (const frame of Array.isArray(parsed) ? parsed : [parsed]) {
        if (frame.result !== undefined || (frame.stream === undefined && 'id' in frame)) {
          resolve();
          continue;
        }
        const data = frame.data;
        if (data === undefined) continue;
        if (frame.stream === trades && data.tradeId !== undefined) {
          if (lastTradeId !== undefined && data.tradeId !== lastTradeId + 1 && measuring) gaps++;
          lastTradeId = data.tradeId;
        } else if (
          frame.stream === depth &&
          data.firstUpdateId !== undefined &&
          data.lastUpdateId !== undefined
        ) {
          if (lastUpdateId !== undefined && data.firstUpdateId !== lastUpdateId + 1 && measuring) gaps++;
          lastUpdateId = data.lastUpdateId;
        } else {
          continue;
        }
        if (measuring) {
          messages++;
          histogram.add(now - data.time);
        }
      }
    });
    socket.once('open', () => {
      sockets.push(socket);
      socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: [trades, depth], id: 1 }));
    });
    socket.once('error', reject);
    socket.once('close', () => {
      if (measuring) gaps++;
    });
  });
}

process.on('message', async (message: { type: string } & Partial<Setup>) => {
  switch (message.type) {
    case 'setup': {
      const setup = message as unknown as Setup;
      for (let i = 0; i < setup.clients; i += 50) {
        await Promise.all(Array.from({ length: Math.min(50, setup.clients - i) }, () => client(setup)));
      }
      process.send?.({ type: 'ready', clients: sockets.length });
      break;
    }
    case 'measure':
      histogram = new LatencyHistogram();
      messages = 0;
      gaps = 0;
      received.clear();
      measuring = true;
      break;
    case 'report':
      measuring = false;
      process.send?.({
        type: 'report',
        histogram: histogram.toArray(),
        messages,
        gaps,
        postsPerSocket: sockets.map((socket) => received.get(socket) ?? 0),
        open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
      });
      break;
    case 'close':
      for (const socket of sockets) socket.terminate();
      process.exit(0);
  }
});
