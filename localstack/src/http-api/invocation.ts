/**
 * Handler invocations with the integration timeout: async handlers and the older
 * callback style both end in one outcome, whichever comes first.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpApiHandler } from './lambda-route.js';

export type Outcome =
  | { readonly kind: 'result'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout' };

const TIMEOUT: Outcome = { kind: 'timeout' };

/**
 * The running invocations of one route, oldest first. They share one timeout length,
 * so their deadlines come in the order they started and one timer, armed for the
 * oldest, serves them all: a timer per request was a measurable part of the
 * emulator's cost per request.
 *
 * @example
 * const invocations = new Invocations(29_000);
 * invocations.invoke(handler, event, context, Date.now(), (outcome) => reply(outcome));
 */
export class Invocations {
  private oldest: Invocation | undefined;
  private newest: Invocation | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly timeoutMs: number) {}

  /**
   * Calls the handler and hands `onOutcome` its result, its error, or the timeout,
   * exactly once. A handler still running at the timeout is left to finish; its late
   * result is dropped, as API Gateway drops it. A callback rather than a promise: each
   * promise layer on the request path costs a microtask.
   */
  invoke(
    handler: HttpApiHandler,
    event: APIGatewayProxyEventV2,
    context: Context,
    startMs: number,
    onOutcome: (outcome: Outcome) => void,
  ): void {
    const invocation = new Invocation(this, onOutcome, startMs + this.timeoutMs);
    invocation.previous = this.newest;
    if (this.newest === undefined) this.oldest = invocation;
    else this.newest.next = invocation;
    this.newest = invocation;
    // A timer still armed for an earlier deadline re-arms itself for this one when it fires.
    if (this.timer === undefined) this.arm(this.timeoutMs);
    invocation.run(handler, event, context);
  }

  /** Unlinks a settled invocation. */
  remove(invocation: Invocation): void {
    const { previous, next } = invocation;
    if (previous === undefined) this.oldest = next;
    else previous.next = next;
    if (next === undefined) this.newest = previous;
    else next.previous = previous;
    invocation.previous = undefined;
    invocation.next = undefined;
  }

  private arm(delayMs: number): void {
    // Unref'd: an idle emulator must not hold the process open until a stale deadline.
    this.timer = setTimeout(expire, Math.max(1, delayMs), this).unref();
  }

  /** Times out every invocation past its deadline and re-arms for the next. */
  expire(): void {
    this.timer = undefined;
    const now = Date.now();
    while (this.oldest !== undefined && this.oldest.deadlineMs <= now) this.oldest.settle(TIMEOUT);
    if (this.oldest !== undefined) this.arm(this.oldest.deadlineMs - now);
  }
}

function expire(invocations: Invocations): void {
  invocations.expire();
}

/** One running handler; methods rather than closures keep the per-request cost low. */
class Invocation {
  previous: Invocation | undefined;
  next: Invocation | undefined;
  private settled = false;

  constructor(
    private readonly owner: Invocations,
    private readonly onOutcome: (outcome: Outcome) => void,
    readonly deadlineMs: number,
  ) {}

  run(handler: HttpApiHandler, event: APIGatewayProxyEventV2, context: Context): void {
    try {
      const returned = handler(event, context, (error, value) =>
        this.settle(
          error === undefined || error === null ? { kind: 'result', value } : { kind: 'error', error },
        ),
      );
      if (isThenable(returned)) {
        returned.then(
          (value) => this.settle({ kind: 'result', value }),
          (error: unknown) => this.settle({ kind: 'error', error }),
        );
      }
    } catch (error) {
      this.settle({ kind: 'error', error });
    }
  }

  settle(outcome: Outcome): void {
    if (this.settled) return;
    this.settled = true;
    this.owner.remove(this);
    this.onOutcome(outcome);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
