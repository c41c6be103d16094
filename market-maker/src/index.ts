export { type RunningBots, startBots } from './bots.js';
export { ApiRejection, type Credentials, ExchangeClient } from './client.js';
export { type BotsConfig, readConfig } from './config.js';
export { diffQuotes, type LadderConfig, ladder, type Quote } from './ladder.js';
