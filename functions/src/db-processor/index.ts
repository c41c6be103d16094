export { type DeadLetterSink, type MessageSender, SqsDeadLetterQueue } from './dead-letters.js';
export { InvalidEventsRecordError, parseEventsRecord } from './event-records.js';
export {
  type EventsBatchOptions,
  type EventsBatchOutcome,
  type ProcessorLogger,
  processEventsBatch,
} from './events-batch.js';
export { createDbProcessorHandler, handler, optionsFromEnvironment } from './handler.js';
export type { BalanceChangeRow, BalanceRow, BatchRows, OrderRow, TradeRow, WithdrawalRow } from './rows.js';
export { rowsOf } from './rows.js';
export { writeRows } from './writer.js';
