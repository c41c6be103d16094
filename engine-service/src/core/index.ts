export type { DepthView, EngineOptions } from './engine.js';
export { Engine, FEE_ACCOUNT_ID } from './engine.js';
export { feeOf, floorDiv, MAX_UNITS } from './fixed-point.js';
export { orderFilterCode } from './order-filters.js';
export type { EngineSnapshot, SnapshotAccount, SnapshotMarket, SnapshotOrder } from './snapshot.js';
