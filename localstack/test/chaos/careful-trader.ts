/**
 * A trading client that survives an exchange in trouble the way a careful Binance
 * client does: every order has its own `newClientOrderId`; an answer that leaves the
 * outcome open (a 5xx, a 503, no answer at all) is followed by a look-up by
 * `origClientOrderId` before the order is sent again, with the SAME client order id,
 * so that a retry never places a second order. A 202 means "queued, applied once":
 * it is never re-sent. Each order's fate is recorded so the scenario can prove that
 * every accepted order was applied exactly once.
 */
import { type Answer, type ApiKeyPair, type ChaosHttp, isDefinitive, sleep } from './chaos-http.js';

/** How an order ended for the client. */
export type OrderFate =
  /** 200: the engine answered. */
  | 'accepted'
  /** 202: queued, the reply was late. */
  | 'queued'
  /** Found by `origClientOrderId` (or refused as a duplicate) after an open outcome. */
  | 'found'
  /** A 4xx the engine or the API gave for the order itself (e.g. insufficient funds). */
  | 'rejected'
  /** Still open when the trader stopped. */
  | 'unresolved';

export interface OrderRecord {
  readonly clientOrderId: string;
  readonly accountId: string;
  /** The scenario's phase when the order was first sent (a fault's name, or `steady`). */
  readonly phase: string;
  fate: OrderFate;
  /** POSTs sent for it. */
  sends: number;
  /** Binance code of a rejection. */
  code?: number;
}

export interface CarefulTraderOptions {
  readonly http: ChaosHttp;
  readonly keys: ApiKeyPair;
  /** `BUY` or `SELL`: a trader always takes one side, so buyers and sellers cross. */
  readonly side: 'BUY' | 'SELL';
  /** Binance symbol, `SOLUSDC`. */
  readonly symbol: string;
  readonly quantity: string;
  /** Price used while the book has no quote on the side it takes. */
  readonly fallbackPrice: string;
  /** Pause between two orders. */
  readonly pauseMs: number;
  /** Prefix of its client order ids, unique per trader. */
  readonly label: string;
  /** The scenario's phase now. */
  readonly phase: () => string;
}

/** Binance's "Duplicate order sent." (-2010 with that message): an open order has this id. */
function isDuplicate(answer: Answer): boolean {
  const body = answer.body as { code?: number; msg?: string } | null;
  return answer.status === 400 && body?.code === -2010 && /duplicate/i.test(body.msg ?? '');
}

export class CarefulTrader {
  readonly orders: OrderRecord[] = [];
  /** When a POST that was sent at `sentAt` last got a 200. */
  lastAccepted = { sentAt: 0, clientOrderId: '' };
  private stopped = false;
  private running: Promise<void> | undefined;
  private price: string;
  private sequence = 0;

  constructor(private readonly options: CarefulTraderOptions) {
    this.price = options.fallbackPrice;
  }

  get keys(): ApiKeyPair {
    return this.options.keys;
  }

  start(): void {
    this.running = this.loop();
  }

  /** Finishes the order in hand (bounded by its retries) and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      if (this.sequence % 10 === 0) await this.refreshPrice();
      await this.place();
      await sleep(this.options.pauseMs);
    }
  }

  /** Takes the touch: a buyer pays the best ask, a seller hits the best bid, so orders trade. */
  private async refreshPrice(): Promise<void> {
    const answer = await this.options.http.public('GET', '/api/v3/ticker/bookTicker', {
      symbol: this.options.symbol,
    });
    if (answer.status !== 200) return;
    const ticker = answer.body as { bidPrice?: string; askPrice?: string };
    const touch = this.options.side === 'BUY' ? ticker.askPrice : ticker.bidPrice;
    if (touch !== undefined && !/^0(\.0*)?$/.test(touch)) this.price = touch;
  }

  /** One order through to a definitive fate, or until the trader is stopped. */
  private async place(): Promise<void> {
    const options = this.options;
    const { http, keys } = options;
    const record: OrderRecord = {
      clientOrderId: `${options.label}-${++this.sequence}`,
      accountId: keys.accountId,
      phase: options.phase(),
      fate: 'unresolved',
      sends: 0,
    };
    this.orders.push(record);
    let backoff = 200;
    for (;;) {
      if (record.sends > 0) {
        // The last send's outcome is open: look before sending again. Order history
        // trails the engine by the DB processor's lag, so "absent" must be said twice,
        // a second apart, before the order counts as never placed.
        const found = await this.confirmedLookUp(record.clientOrderId);
        if (found === 'found') {
          record.fate = 'found';
          return;
        }
        if (this.stopped) return;
        if (found === 'unknown') {
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 2_000);
          continue;
        }
      }
      const sentAt = Date.now();
      record.sends++;
      const answer = await http.signed(keys, 'POST', '/api/v3/order', {
        symbol: options.symbol,
        side: options.side,
        type: 'LIMIT',
        timeInForce: 'GTC',
        price: this.price,
        quantity: options.quantity,
        newClientOrderId: record.clientOrderId,
        newOrderRespType: 'RESULT',
      });
      if (answer.status === 200) {
        record.fate = 'accepted';
        this.lastAccepted = { sentAt, clientOrderId: record.clientOrderId };
        return;
      }
      if (answer.status === 202) {
        record.fate = 'queued';
        return;
      }
      if (isDuplicate(answer)) {
        record.fate = 'found';
        return;
      }
      if (isDefinitive(answer)) {
        record.fate = 'rejected';
        const code = (answer.body as { code?: number } | null)?.code;
        if (code !== undefined) record.code = code;
        return;
      }
      if (this.stopped) return;
      await sleep(Math.max(backoff, Math.min(answer.retryAfterMs ?? 0, 2_000)));
      backoff = Math.min(backoff * 2, 2_000);
    }
  }

  private async confirmedLookUp(clientOrderId: string): Promise<'found' | 'absent' | 'unknown'> {
    const first = await this.lookUp(clientOrderId);
    if (first !== 'absent') return first;
    await sleep(1_000);
    return this.lookUp(clientOrderId);
  }

  /** `found`, `absent` (the exchange says it has no such order) or `unknown` (it could not say). */
  async lookUp(clientOrderId: string): Promise<'found' | 'absent' | 'unknown'> {
    const answer = await this.options.http.signed(this.options.keys, 'GET', '/api/v3/order', {
      symbol: this.options.symbol,
      origClientOrderId: clientOrderId,
    });
    if (answer.status === 200) return 'found';
    const code = (answer.body as { code?: number } | null)?.code;
    if (answer.status === 400 && code === -2013) return 'absent';
    return 'unknown';
  }
}
