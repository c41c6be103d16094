import type { WebSocket } from 'ws';
import type { ConnectionFacts } from './events.js';

/** Close code API Gateway uses when it ends a connection itself. */
export const GOING_AWAY = 1001;

/** How long a closing socket may take to answer our close frame before it is cut. */
const CLOSE_GRACE_MS = 1000;

/** Why and how a connection ended, as its `$disconnect` event reports it. */
export interface Disconnect {
  readonly statusCode: number;
  readonly reason: string;
}

/** Limits API Gateway puts on every connection. */
export interface ConnectionLimits {
  /** Closed after this long without a message from the client. */
  readonly idleTimeoutMs: number;
  /** Closed this long after connecting, however busy. */
  readonly maxDurationMs: number;
}

/**
 * One established WebSocket connection: its facts, its activity clock and the timers
 * that end it as API Gateway would. The close reason it records wins over the code the
 * client echoes back, so `$disconnect` tells a server-side close from a client's.
 */
export class Connection {
  /** Epoch milliseconds of the last message from the client. */
  lastActiveAt: number;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly maxDurationTimer: NodeJS.Timeout;
  private graceTimer: NodeJS.Timeout | undefined;
  private serverClose: Disconnect | undefined;

  constructor(
    readonly facts: ConnectionFacts,
    readonly socket: WebSocket,
    limits: ConnectionLimits,
  ) {
    this.lastActiveAt = facts.connectedAt;
    this.idleTimer = setTimeout(() => this.close(GOING_AWAY, 'Going away'), limits.idleTimeoutMs);
    this.maxDurationTimer = setTimeout(() => this.close(GOING_AWAY, 'Going away'), limits.maxDurationMs);
  }

  get id(): string {
    return this.facts.connectionId;
  }

  /** Whether data can still be sent; false from the moment either side starts closing. */
  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Records client activity: only messages from the client keep a connection alive. */
  touch(): void {
    this.lastActiveAt = Date.now();
    this.idleTimer.refresh();
  }

  /** Sends one text frame, whatever bytes it holds, as API Gateway only sends text. */
  send(data: string | Buffer): void {
    this.socket.send(data, { binary: false });
  }

  /**
   * Starts a server-side close. A client that does not answer the close frame in time
   * is cut off, so shutting the emulator down never waits on a stalled peer.
   */
  close(statusCode: number, reason: string): void {
    if (this.serverClose !== undefined || this.socket.readyState === this.socket.CLOSED) return;
    this.serverClose = { statusCode, reason };
    this.socket.close(statusCode, reason);
    this.graceTimer = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS);
  }

  /** Stops the timers and says how the connection ended, given what the socket reported. */
  ended(code: number, reason: string): Disconnect {
    clearTimeout(this.idleTimer);
    clearTimeout(this.maxDurationTimer);
    clearTimeout(this.graceTimer);
    if (this.serverClose !== undefined) return this.serverClose;
    if (code === 1005) return { statusCode: code, reason: 'Client-side close frame status not set' };
    return { statusCode: code, reason };
  }
}
