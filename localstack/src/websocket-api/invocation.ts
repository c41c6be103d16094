import type { Context } from 'aws-lambda';
import { LambdaContext } from '../lambda/lambda-context.js';
import type { WebSocketEvent } from './events.js';

/**
 * A WebSocket route's Lambda handler. The result is left `unknown` because the emulator
 * must cope with whatever a real handler returns, as API Gateway does.
 */
export type WebSocketHandler = (event: WebSocketEvent, context: Context) => unknown;

/** How one invocation ended, seen from API Gateway. */
export type Invocation =
  | { readonly outcome: 'returned'; readonly result: unknown }
  | { readonly outcome: 'threw'; readonly error: unknown }
  | { readonly outcome: 'timed out' };

/**
 * Invokes a handler as API Gateway's Lambda proxy integration would: the handler may be
 * sync or async, and past `timeoutMs` the caller gets `timed out` while the handler runs
 * on, as a Lambda outliving API Gateway's 29 s integration timeout does.
 */
export async function invoke(
  handler: WebSocketHandler,
  event: WebSocketEvent,
  functionName: string,
  timeoutMs: number,
): Promise<Invocation> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Invocation>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'timed out' }), timeoutMs);
  });
  const run = (async (): Promise<Invocation> => {
    try {
      return {
        outcome: 'returned',
        result: await handler(event, LambdaContext.fresh(functionName, timeoutMs, process.env.AWS_REGION)),
      };
    } catch (error) {
      return { outcome: 'threw', error };
    }
  })();
  try {
    return await Promise.race([run, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
