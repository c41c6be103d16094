/**
 * A WebSocket client of the stream API for tests: collects every stream message (a
 * batched frame, a JSON array, counts as its elements), answers requests by id.
 */
import { once } from 'node:events';
import WebSocket from 'ws';

/** One message a client received. */
export interface Received {
  readonly stream?: string;
  readonly data?: unknown;
  readonly result?: unknown;
  readonly error?: { code: number; name: string; msg: string };
  readonly id?: number | string | null;
  readonly [field: string]: unknown;
}

export class StreamClient {
  readonly messages: Received[] = [];
  private readonly waiters = new Set<() => void>();
  private nextId = 1;

  private closeCode = 0;

  private constructor(readonly socket: WebSocket) {
    socket.once('close', (code) => {
      this.closeCode = code;
    });
    socket.on('message', (data) => {
      const parsed = JSON.parse(data.toString()) as Received | Received[];
      for (const message of Array.isArray(parsed) ? parsed : [parsed]) this.messages.push(message);
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Opens a connection; rejects with the HTTP status when `$connect` refuses it. */
  static async connect(url: string): Promise<StreamClient> {
    const socket = new WebSocket(url);
    const refused = new Promise<never>((_, reject) => {
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`refused with ${response.statusCode}`)),
      );
      socket.once('error', reject);
    });
    await Promise.race([once(socket, 'open'), refused]);
    return new StreamClient(socket);
  }

  /** Sends a request and resolves with its answer. */
  async request(method: string, params: readonly string[] = []): Promise<Received> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ method, params, id }));
    return this.waitFor((m) => m.id === id);
  }

  /** Sends a WebSocket API request (`{"id","method","params":{…}}`) and resolves with its answer. */
  async call(method: string, params: Readonly<Record<string, unknown>> = {}): Promise<Received> {
    const id = `api-${this.nextId++}`;
    this.socket.send(JSON.stringify({ id, method, params }));
    return this.waitFor((m) => m.id === id);
  }

  /** Resolves with the close code once the server has closed the connection. */
  async closed(): Promise<number> {
    if (this.socket.readyState === WebSocket.CLOSED) return this.closeCode;
    const [code] = (await once(this.socket, 'close')) as [number];
    return code;
  }

  /** Sends raw text and resolves with the next error message. */
  async sendRaw(text: string): Promise<Received> {
    const seen = this.messages.length;
    this.socket.send(text);
    return this.waitFor((m, i) => i >= seen && m.error !== undefined);
  }

  /** Resolves with the first message (by index) matching `predicate`, waiting for it if need be. */
  waitFor(predicate: (message: Received, index: number) => boolean): Promise<Received> {
    return new Promise((resolve) => {
      const check = () => {
        const index = this.messages.findIndex(predicate);
        if (index === -1) return false;
        this.waiters.delete(wake);
        resolve(this.messages[index] as Received);
        return true;
      };
      const wake = () => void check();
      if (!check()) this.waiters.add(wake);
    });
  }

  /** The data of every message of a stream, in arrival order. */
  data<T>(stream: string): T[] {
    return this.messages.filter((m) => m.stream === stream).map((m) => m.data as T);
  }

  /** Closes and waits for the close handshake. */
  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, 'close');
    this.socket.close();
    await closed;
  }
}
