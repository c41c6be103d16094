export { journaledReply } from './engine-journal.js';
export {
  handler,
  type SettlementRun,
  settleAfterMs,
  settleDueWithdrawals,
  settlementOutcome,
} from './settle.js';
export {
  insertWithdrawal,
  unsettledWithdrawals,
  updateWithdrawal,
  type WithdrawalRecord,
  type WithdrawalRequestStatus,
  withdrawalsOf,
} from './withdrawal-store.js';
export { requestWithdrawal, type WithdrawalRequest } from './withdrawals.js';
