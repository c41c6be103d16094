export {
  type BatchSender,
  type EventsMessage,
  EventsQueuePublishError,
  EventsQueuePublisher,
  type EventsQueuePublisherOptions,
  eventsMessagesOf,
  MAX_BATCH_BYTES,
  MAX_BATCH_ENTRIES,
  MAX_MESSAGE_BYTES,
  packMessages,
} from './events-queue-publisher.js';
export type { AddressedReply, JournaledCommand } from './journaled-command.js';
export { RedisPublisher, type RedisPublisherOptions } from './redis-publisher.js';
export {
  formatBookTicker,
  formatTicker,
  RollingTicker,
  type TickerStats,
} from './ticker.js';
