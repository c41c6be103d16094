/**
 * One WebSocket connection to the stream API that reconnects with backoff and
 * resubscribes every stream it holds. Native frames are `{"stream":…,"data":…}`, one
 * per message or several as a JSON array; replies to `SUBSCRIBE` are
 * `{"result":null,"id":n}`.
 *
 * @example
 * const client = new StreamClient(async () => 'ws://127.0.0.1:4001/local');
 * const stop = client.subscribe('trades@SOL_USDC', { onData: (t) => …, onSubscribed: () => … });
 */
export type StreamStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StreamHandlers {
  onData(data: unknown): void;
  /** The server confirmed the subscription (again after every reconnect). */
  onSubscribed?(): void;
}

const MAX_BACKOFF_MS = 10_000;

/** A data frame (`stream`, `data`) or a reply (`id`, `result` or `error`). */
interface Frame {
  readonly stream?: string;
  readonly data?: unknown;
  readonly id?: number;
  readonly result?: unknown;
  readonly error?: unknown;
}

export class StreamClient {
  private socket: WebSocket | undefined;
  private readonly subscribers = new Map<string, Set<StreamHandlers>>();
  private readonly pending = new Map<number, string[]>();
  private readonly statusListeners = new Set<(status: StreamStatus) => void>();
  private nextId = 1;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private state: StreamStatus = 'idle';

  /** `url` is asked again before every connection (a signed URL must be fresh). */
  constructor(private readonly url: () => Promise<string>) {}

  get status(): StreamStatus {
    return this.state;
  }

  /** Listens to connection status changes; returns the unsubscribe. */
  onStatus(listener: (status: StreamStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  subscribe(stream: string, handlers: StreamHandlers): () => void {
    let set = this.subscribers.get(stream);
    const fresh = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.subscribers.set(stream, set);
    }
    set.add(handlers);
    if (this.socket === undefined && this.timer === undefined && !this.stopped) void this.connect();
    else if (fresh) this.send('SUBSCRIBE', [stream]);
    else if (this.state === 'open') handlers.onSubscribed?.();
    return () => {
      const current = this.subscribers.get(stream);
      current?.delete(handlers);
      if (current !== undefined && current.size === 0) {
        this.subscribers.delete(stream);
        this.send('UNSUBSCRIBE', [stream]);
      }
    };
  }

  close(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.socket?.close();
    this.setStatus('closed');
  }

  private async connect(): Promise<void> {
    let url: string;
    try {
      url = await this.url();
    } catch {
      this.retry();
      return;
    }
    if (this.stopped) return;
    if (this.state !== 'reconnecting') this.setStatus('connecting');
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus('open');
      const streams = [...this.subscribers.keys()];
      if (streams.length > 0) this.send('SUBSCRIBE', streams);
    };
    socket.onmessage = (event) => this.receive(String(event.data));
    socket.onclose = () => {
      if (this.socket === socket) this.socket = undefined;
      this.pending.clear();
      if (!this.stopped) this.retry();
    };
    // onclose follows every error; nothing to add here but silence.
    socket.onerror = () => undefined;
  }

  private retry(): void {
    this.setStatus('reconnecting');
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
  }

  private send(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', streams: string[]): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    const id = this.nextId++;
    if (method === 'SUBSCRIBE') this.pending.set(id, streams);
    this.socket.send(JSON.stringify({ method, params: streams, id }));
  }

  private receive(text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    // The fan-out may batch several frames into one message, as a JSON array.
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) this.dispatch(message as Frame);
  }

  private dispatch(message: Frame): void {
    if (message === null || typeof message !== 'object') return;
    if (typeof message.stream === 'string') {
      for (const handlers of this.subscribers.get(message.stream) ?? []) handlers.onData(message.data);
      return;
    }
    if (typeof message.id === 'number') {
      const streams = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (streams === undefined || message.error !== undefined) return;
      for (const stream of streams)
        for (const handlers of this.subscribers.get(stream) ?? []) handlers.onSubscribed?.();
    }
  }

  private setStatus(status: StreamStatus): void {
    if (this.state === status) return;
    this.state = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

let publicClient: StreamClient | undefined;

/** The app's one public stream connection. */
export function publicStreams(url: () => Promise<string>): StreamClient {
  publicClient ??= new StreamClient(url);
  return publicClient;
}
