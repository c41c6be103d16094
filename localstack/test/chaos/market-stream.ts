/**
 * A WebSocket client of one market's public streams that behaves as a robust client
 * must: subscribe to trades and depth, keep a local book from a REST snapshot plus the
 * depth diffs (a new snapshot on every gap), and when the socket closes reconnect,
 * resubscribe and resync. It records when trades arrive so the chaos scenario can tell
 * that the stream is alive again after a fault.
 */
import WebSocket from 'ws';
import { type Answer, type ChaosHttp, sleep } from './chaos-http.js';
import { type DepthDiff, type DepthSnapshot, LocalBook } from './local-book.js';

interface Frame {
  readonly stream?: string;
  readonly data?: {
    readonly time?: number;
    readonly tradeId?: number;
    readonly firstUpdateId?: number;
    readonly lastUpdateId?: number;
    readonly bids?: [string, string][];
    readonly asks?: [string, string][];
  };
}

export interface MarketStreamOptions {
  /** The WebSocket API's URL (stage URL). */
  readonly url: string;
  /** REST client for depth snapshots. */
  readonly http: ChaosHttp;
  /** `SOL_USDC`. */
  readonly market: string;
  readonly log: (line: string) => void;
}

export class MarketStream {
  readonly book = new LocalBook();
  /** Sockets opened (the first one included). */
  connects = 0;
  /** Sockets that closed while the client wanted them open. */
  drops = 0;
  trades = 0;
  /** Trades that came again (an id already received): a client would see a fill twice. */
  repeatedTrades = 0;
  private readonly tradeIds = new Set<number>();
  /** Local receive time and engine time of the newest trade. */
  lastTrade = { receivedAt: 0, time: 0 };
  private socket: WebSocket | undefined;
  private stopped = false;
  private syncing = false;
  private readonly symbol: string;

  constructor(private readonly options: MarketStreamOptions) {
    this.symbol = options.market.replace('_', '');
  }

  /** Connects and keeps connecting until {@link stop}. */
  start(): void {
    this.connect();
  }

  /** Closes the socket as a client would after seeing nothing for too long; it reconnects. */
  reconnect(): void {
    this.socket?.terminate();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.terminate();
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(this.options.url);
    this.socket = socket;
    const { market } = this.options;
    const trades = `trades@${market}`;
    const depth = `depth@${market}`;
    socket.on('open', () => {
      this.connects++;
      socket.send(JSON.stringify({ method: 'SUBSCRIBE', params: [trades, depth], id: this.connects }));
      void this.resync();
    });
    socket.on('message', (raw) => {
      const now = Date.now();
      let parsed: Frame | Frame[];
      try {
        parsed = JSON.parse(raw.toString()) as Frame | Frame[];
      } catch {
        return;
      }
      for (const frame of Array.isArray(parsed) ? parsed : [parsed]) {
        const data = frame.data;
        if (data === undefined) continue;
        if (frame.stream === trades && data.tradeId !== undefined) {
          this.trades++;
          if (this.tradeIds.has(data.tradeId)) this.repeatedTrades++;
          else this.tradeIds.add(data.tradeId);
          this.lastTrade = { receivedAt: now, time: data.time ?? now };
        } else if (frame.stream === depth && data.firstUpdateId !== undefined) {
          if (this.book.onDiff(data as DepthDiff) === 'gap') void this.resync();
        }
      }
    });
    socket.on('error', () => {
      // 'close' follows and reconnects
    });
    socket.on('close', (code, reason) => {
      if (this.socket !== socket) return;
      this.book.reset();
      if (this.stopped) return;
      this.drops++;
      this.options.log(`stream closed (${code} ${reason.toString()}): reconnecting`);
      setTimeout(() => this.connect(), 500);
    });
  }

  /** Fetches snapshots until the book is live again (or the socket it served is gone). */
  private async resync(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    const socket = this.socket;
    try {
      while (!this.stopped && this.socket === socket && !this.book.live) {
        const answer = await this.snapshot();
        if (answer.status === 200) {
          const step = this.book.onSnapshot(answer.body as DepthSnapshot);
          if (step === 'live' || step === 'old') continue;
        }
        await sleep(300);
      }
    } finally {
      this.syncing = false;
    }
    // A gap found while this resync ran sends the book back to waiting.
    if (!this.stopped && this.socket === socket && !this.book.live) void this.resync();
  }

  /** `GET /api/v3/depth` of the market, 100 levels. */
  snapshot(): Promise<Answer> {
    return this.options.http.public('GET', '/api/v3/depth', { symbol: this.symbol, limit: 100 });
  }
}
