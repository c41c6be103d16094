/**
 * `npm run start --workspace market-maker`: the liquidity bots against `API_URL`, until
 * SIGINT/SIGTERM. Settings: `config.ts`.
 */
import { startBots } from './bots.js';
import { readConfig } from './config.js';

const log = (line: string) => console.log(line);
const bots = await startBots(readConfig(), log);
log(`market makers running in ${bots.markets.join(', ')}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void bots.stop().then(() => process.exit(0));
  });
}
