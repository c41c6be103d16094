/** The one error class of the SQS client. */

/** An error SQS answered (`name` is its type, e.g. `QueueDoesNotExist`), or a transport failure (`NetworkingError`). */
export class SqsCallError extends Error {
  override name: string;
  constructor(
    type: string,
    message: string,
    /** HTTP status; 0 when no answer came. */
    readonly statusCode: number,
    /** Worth trying again: throttled, a server error or a broken connection. */
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(`${type}: ${message}`, options);
    this.name = type;
  }
}
