export { ensurePostgres } from './postgres.js';
export {
  type PrivateServer,
  type PrivateServerOptions,
  startPrivatePostgres,
  startPrivateRedis,
} from './private-servers.js';
export { ensureRedis } from './redis.js';
export type { EnsureServiceOptions, RunningService } from './running-service.js';
export {
  adminQuery,
  createScratchDatabase,
  type ScratchDatabase,
  type ScratchDatabaseOptions,
} from './scratch-database.js';
export { stopRecordedServer } from './server-record.js';
export { databaseOf, withDatabase } from './service-url.js';
export { type EnsureServicesOptions, ensureServices, type Services } from './services.js';
