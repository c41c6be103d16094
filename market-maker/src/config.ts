/**
 * The bots' settings, from the environment (the operations guide, `docs/operations.md`,
 * points here):
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `API_URL` | `http://127.0.0.1:4000` | the exchange's REST API |
 * | `MM_MARKETS` | every listed market | Binance symbols to quote, comma-separated |
 * | `MM_START_PRICES` | `SOLUSDC=150,BTCUSDC=60000,ETHUSDC=3000` | where the walk starts when a market has no last price |
 * | `MM_SPREAD_TICKS` / `MM_STEP_TICKS` / `MM_LEVELS` | 10 / 5 / 8 | the ladder |
 * | `MM_LEVEL_NOTIONAL` / `MM_LEVEL_GROWTH` | 250 / 0.5 | quote value at the touch; each deeper level adds this fraction of it |
 * | `MM_MAX_STEP_TICKS` | 6 | largest move of the reference per refresh |
 * | `MM_REFRESH_MS` | 2000 | re-quote period |
 * | `TAKER_ORDERS_PER_MINUTE` | 30 | the taker's pace (0: no taker) |
 * | `TAKER_NOTIONAL` | 100 | quote value of a taker order, roughly |
 * | `MM_SEED` | time | random seed |
 * | `MM_STATE_FILE` | `.local/market-maker.json` | saved bot accounts |
 */
export interface BotsConfig {
  readonly apiUrl: string;
  readonly markets: readonly string[] | undefined;
  readonly startPrices: Readonly<Record<string, string>>;
  readonly spreadTicks: number;
  readonly stepTicks: number;
  readonly levels: number;
  readonly levelNotional: string;
  readonly levelGrowth: number;
  readonly maxStepTicks: number;
  readonly refreshMs: number;
  readonly takerOrdersPerMinute: number;
  readonly takerNotional: string;
  readonly seed: number;
  readonly stateFile: string;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer ≥ ${min}, got '${text}'`);
  return value;
}

function decimal(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const text = env[name] || fallback;
  if (!/^\d+(\.\d+)?$/.test(text)) throw new Error(`${name} must be a positive decimal, got '${text}'`);
  return text;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): BotsConfig {
  const startPrices: Record<string, string> = {};
  for (const pair of (env.MM_START_PRICES || 'SOLUSDC=150,BTCUSDC=60000,ETHUSDC=3000').split(',')) {
    const [symbol, price] = pair.split('=');
    if (symbol && price) startPrices[symbol.trim()] = price.trim();
  }
  const growth = Number(env.MM_LEVEL_GROWTH || 0.5);
  return {
    apiUrl: (env.API_URL || 'http://127.0.0.1:4000').replace(/\/$/, ''),
    markets: env.MM_MARKETS ? env.MM_MARKETS.split(',').map((s) => s.trim()) : undefined,
    startPrices,
    spreadTicks: integer(env, 'MM_SPREAD_TICKS', 10, 2),
    stepTicks: integer(env, 'MM_STEP_TICKS', 5, 1),
    levels: integer(env, 'MM_LEVELS', 8, 1),
    levelNotional: decimal(env, 'MM_LEVEL_NOTIONAL', '250'),
    levelGrowth: Number.isFinite(growth) && growth >= 0 ? growth : 0.5,
    maxStepTicks: integer(env, 'MM_MAX_STEP_TICKS', 6, 0),
    refreshMs: integer(env, 'MM_REFRESH_MS', 2000, 50),
    takerOrdersPerMinute: integer(env, 'TAKER_ORDERS_PER_MINUTE', 30, 0),
    takerNotional: decimal(env, 'TAKER_NOTIONAL', '100'),
    seed: integer(env, 'MM_SEED', Date.now() % 2 ** 31, 0),
    stateFile: env.MM_STATE_FILE || '.local/market-maker.json',
  };
}
