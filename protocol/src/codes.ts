/**
 * Stable result codes for business rejections, grouped by the stage that decides
 * them. They never change meaning and are never renumbered or reused; a retired
 * code stays here as a comment. HTTP statuses and Binance codes are mapped from
 * these at the API edge only.
 */
export const REJECT_CODES = [
  // command shape and references
  'INVALID_COMMAND',
  'UNKNOWN_MARKET',
  'UNKNOWN_ASSET',
  // market filters
  'PRICE_FILTER',
  'LOT_SIZE',
  'MIN_NOTIONAL',
  'MAX_NOTIONAL',
  'INVALID_ORDER',
  // funds
  'INSUFFICIENT_FUNDS',
  'AMOUNT_OUT_OF_RANGE',
  // order book
  'UNKNOWN_ORDER',
  'DUPLICATE_CLIENT_ORDER_ID',
  'WOULD_TAKE',
  // withdrawals
  'UNKNOWN_WITHDRAWAL',
  // conditional orders, order lists, amendments
  'WOULD_TRIGGER',
  'TRAILING_DELTA',
  'ORDER_LIST_PRICES',
  'QUANTITY_INCREASE',
  'MAX_NUM_ORDERS',
  'MAX_NUM_ALGO_ORDERS',
  'UNKNOWN_ORDER_LIST',
] as const;

export type RejectCode = (typeof REJECT_CODES)[number];

/** A human sentence per code; replies may add detail. */
export const REJECT_MESSAGES: Readonly<Record<RejectCode, string>> = {
  INVALID_COMMAND: 'The command is malformed.',
  UNKNOWN_MARKET: 'No such market.',
  UNKNOWN_ASSET: 'No such asset.',
  PRICE_FILTER: 'Price is not a positive multiple of the tick size within the market maximum.',
  LOT_SIZE: 'Quantity is not a positive multiple of the step size within the market maximum.',
  MIN_NOTIONAL: 'Order value is below the market minimum.',
  MAX_NOTIONAL: 'Order value is too large.',
  INVALID_ORDER: 'This combination of order parameters is not supported.',
  INSUFFICIENT_FUNDS: 'Available balance is too low.',
  AMOUNT_OUT_OF_RANGE: 'Amount is not positive or would exceed the ledger range.',
  UNKNOWN_ORDER: 'No such open order for this account and market.',
  DUPLICATE_CLIENT_ORDER_ID: 'An open order of this account already uses this client order id.',
  WOULD_TAKE: 'A post-only order would have matched immediately.',
  UNKNOWN_WITHDRAWAL: 'No such pending withdrawal for this account.',
  WOULD_TRIGGER: 'The stop price would trigger immediately at the last trade price.',
  TRAILING_DELTA: 'trailingDelta is outside the market range.',
  ORDER_LIST_PRICES: 'The prices of the order list are not one above and one below the market.',
  QUANTITY_INCREASE: 'An amendment can only reduce the quantity, and not below what has filled.',
  MAX_NUM_ORDERS: 'Too many open orders for this account in this market.',
  MAX_NUM_ALGO_ORDERS: 'Too many open stop and take-profit orders for this account in this market.',
  UNKNOWN_ORDER_LIST: 'No such open order list for this account and market.',
};

/** Why an accepted order stopped before it was fully filled. */
export const END_REASONS = [
  'CANCELED_BY_USER',
  'IOC_REMAINDER',
  'FOK_UNFILLABLE',
  'NO_LIQUIDITY',
  'SELF_TRADE_PREVENTION',
  'INSUFFICIENT_FUNDS',
  /** The other order of its OCO list filled or triggered. */
  'ORDER_LIST_SIBLING',
] as const;

export type EndReason = (typeof END_REASONS)[number];
