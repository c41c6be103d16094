export { AVERAGE_PRICE_WINDOW_MS, AveragePrice } from './average-price.js';
export { loadCandlesInProgress } from './candle-seed.js';
export {
  ConnectionPoster,
  type ConnectionPosterOptions,
  MAX_MESSAGE_BYTES,
  type PosterStats,
} from './connection-poster.js';
export { parseShard, SHARD_MEMBERS_LUA, type Shard, shardOf } from './connection-shard.js';
export {
  type ConnectionsApi,
  ConnectionsCallError,
  ConnectionsClient,
  type ConnectionsClientOptions,
} from './connections-client.js';
export { DepthCoalescer, type MergedDepth } from './depth-coalescer.js';
export { type FanoutOptions, type FanoutStats, type RunningFanout, startFanout } from './fanout.js';
export { type Candle, LiveCandle } from './live-candles.js';
export * from './payloads.js';
export { type Outgoing, type SeedCandle, StreamRouter, type StreamRouterOptions } from './stream-router.js';
export { SubscriptionView } from './subscription-view.js';
export { listenKeyExpiredEvent, subscriptionEvent, userDataEvents } from './user-data.js';
