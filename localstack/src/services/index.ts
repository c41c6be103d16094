export { DEFAULT_DATABASE_URL, ensurePostgres } from './postgres.js';
export { DEFAULT_REDIS_URL, ensureRedis } from './redis.js';
export type { EnsureServiceOptions, RunningService } from './running-service.js';
export { stopRecordedServer } from './server-record.js';
export { type EnsureServicesOptions, ensureServices, type Services } from './services.js';
