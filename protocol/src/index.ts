export * from './codes.js';
export * from './commands.js';
export * from './convert.js';
export * from './decimal.js';
export * from './events.js';
export * from './markets.js';
export * from './queues.js';
export * from './redis-keys.js';
