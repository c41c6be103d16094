/**
 * The WebSocket side of the smoke test: one connection, every message kept (a native
 * message may be an array of frames: each element counts as one frame), requests matched
 * to their answers by `id`, and waits that end with a line saying what never came.
 */
import WebSocket from 'ws';
import { reason } from './rest-client.js';

export class StreamClient {
  private readonly frames: unknown[] = [];
  private waiters: (() => void)[] = [];
  private closed: string | undefined;
  private nextId = 1;

  private constructor(
    private readonly socket: WebSocket,
    private readonly timeoutMs: number,
  ) {
    socket.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        parsed = { unparsed: String(data) };
      }
      this.frames.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      this.wake();
    });
    socket.on('close', (code, why) => {
      this.closed = `the connection closed (${code}${why.length > 0 ? ` ${String(why)}` : ''})`;
      this.wake();
    });
  }

  /** Connects to `url`; a refused upgrade rejects with its status and body. */
  static open(url: string, timeoutMs: number): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: timeoutMs });
      const shown = url.replace(/signature=[0-9a-f]+/, 'signature=…');
      socket.once('open', () => resolve(new StreamClient(socket, timeoutMs)));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += String(chunk);
        });
        response.on('end', () => {
          socket.terminate();
          reject(new Error(`${shown} refused the connection: ${response.statusCode} ${body.slice(0, 300)}`));
        });
      });
      socket.once('error', (error) => reject(new Error(`${shown}: ${reason(error)}`)));
    });
  }

  /** Sends `{method, params, id}` and resolves with the answer carrying that `id`; an error answer rejects. */
  async request(method: string, params?: readonly string[]): Promise<unknown> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify(params === undefined ? { method, id } : { method, params, id }));
    const answer = (await this.waitFor(`an answer to ${method} (id ${id})`, (f) => idOf(f) === id)) as {
      result?: unknown;
      error?: unknown;
    };
    if (answer.error !== undefined) throw new Error(`${method} was refused: ${JSON.stringify(answer.error)}`);
    return answer.result;
  }

  /**
   * The first frame, received or still to come, for which `matches` holds; it is taken out
   * of the buffer. Rejects after the timeout, or when the connection closes first.
   */
  async waitFor<T = unknown>(what: string, matches: (frame: unknown) => boolean): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(matches);
      if (index >= 0) return this.frames.splice(index, 1)[0] as T;
      if (this.closed !== undefined) throw new Error(`no ${what}: ${this.closed}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${this.timeoutMs / 1000} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

function idOf(frame: unknown): unknown {
  return typeof frame === 'object' && frame !== null ? (frame as { id?: unknown }).id : undefined;
}
