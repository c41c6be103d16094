import type { ExecutionResult, Reply } from '@exchange/protocol';

/** One command of a batch the journal has committed, as the publishers take it. */
export interface JournaledCommand {
  /** The request id the API waits on; its reply goes to `reply:{requestId}`. */
  readonly requestId: string;
  /** The account that sent the command. */
  readonly accountId: string;
  readonly result: ExecutionResult;
  /** The reply to the sender as journaled, when the caller has it (else built from `result`). */
  readonly reply?: Reply;
}
