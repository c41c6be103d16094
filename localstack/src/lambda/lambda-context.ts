/**
 * The Lambda `Context` a locally invoked handler receives, for every emulator (HTTP,
 * WebSocket, SQS event source). What handlers and middlewares (middy, Powertools)
 * read is real — the request id, the function name and ARN, the remaining time —
 * and the rest has the right type and a plausible value. A class, so that each
 * invocation allocates one small object and no closures.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';

export class LambdaContext implements Context {
  callbackWaitsForEmptyEventLoop = true;
  readonly functionVersion = '$LATEST';
  readonly memoryLimitInMB = '1024';
  readonly logStreamName = 'local';

  /**
   * @param deadlineMs epoch ms at which the invocation times out
   * @example new LambdaContext('db-processor', randomUUID(), Date.now() + 30_000)
   */
  constructor(
    readonly functionName: string,
    readonly awsRequestId: string,
    private readonly deadlineMs: number,
    private readonly region: string = LOCAL_REGION,
    private readonly accountId: string = LOCAL_ACCOUNT_ID,
  ) {}

  /** A context with a fresh request id and `timeoutMs` from now. */
  static fresh(functionName: string, timeoutMs: number, region?: string, accountId?: string): LambdaContext {
    return new LambdaContext(functionName, randomUUID(), Date.now() + timeoutMs, region, accountId);
  }

  get invokedFunctionArn(): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${this.functionName}`;
  }

  get logGroupName(): string {
    return `/aws/lambda/${this.functionName}`;
  }

  getRemainingTimeInMillis(): number {
    return Math.max(0, this.deadlineMs - Date.now());
  }

  // Current Node.js runtimes dropped callback-style completion; failing loudly beats
  // a handler whose result silently vanishes.
  done(): never {
    throw new Error('context.done is not supported: return a promise from the handler');
  }

  fail(): never {
    throw new Error('context.fail is not supported: return a promise from the handler');
  }

  succeed(): never {
    throw new Error('context.succeed is not supported: return a promise from the handler');
  }
}
