export type { DepthView, EngineOptions } from './engine.js';
export { Engine, FEE_ACCOUNT_ID, orderFilterCode } from './engine.js';
export { feeOf, floorDiv, MAX_UNITS } from './fixed-point.js';
export type { EngineSnapshot, SnapshotAccount, SnapshotMarket, SnapshotOrder } from './snapshot.js';
