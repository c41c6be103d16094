/**
 * The bots' accounts: signed up through `POST /api/v1/accounts` on first start, kept in
 * a state file so a restart reuses them (and their open orders), and funded through the
 * on-ramp (`POST /api/v1/onramp`) whenever a balance runs below half its target.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ApiRejection, type Credentials, type ExchangeClient } from './client.js';

/** Credentials by bot name, per API base URL (a different exchange gets new accounts). */
type StateFile = Record<string, Record<string, Credentials>>;

function readState(path: string): StateFile {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as StateFile) : {};
}

/**
 * The account of bot `name` against `baseUrl`: the saved one when it still works, else a new one.
 */
export async function botAccount(
  client: ExchangeClient,
  baseUrl: string,
  name: string,
  statePath: string,
): Promise<Credentials> {
  const state = readState(statePath);
  const saved = state[baseUrl]?.[name];
  if (saved !== undefined) {
    try {
      await client.signed(saved, 'GET', '/api/v3/account');
      return saved;
    } catch (error) {
      // Refused: unknown on this exchange (a fresh database), so sign up again. Anything
      // else (the bots stopping) is not an answer about the account.
      if (!(error instanceof ApiRejection)) throw error;
    }
  }
  const created = (await client.json('POST', '/api/v1/accounts', {
    label: `market-maker ${name}`,
  })) as Credentials;
  const credentials = { accountId: created.accountId, apiKey: created.apiKey, secretKey: created.secretKey };
  state[baseUrl] = { ...state[baseUrl], [name]: credentials };
  mkdirSync(dirname(statePath), { recursive: true });
  // Written aside and renamed: a process killed mid-write leaves the previous file whole.
  const partial = `${statePath}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, statePath);
  return credentials;
}

/**
 * Tops up every asset in `targets` whose free balance is below half its target, by
 * one on-ramp credit of the target amount.
 */
export async function fund(
  client: ExchangeClient,
  credentials: Credentials,
  targets: Readonly<Record<string, string>>,
): Promise<void> {
  const account = (await client.signed(credentials, 'GET', '/api/v3/account')) as {
    balances: { asset: string; free: string }[];
  };
  for (const [asset, amount] of Object.entries(targets)) {
    const free = account.balances.find((b) => b.asset === asset)?.free ?? '0';
    if (isAtLeastHalf(free, amount)) continue;
    await client.json('POST', '/api/v1/onramp', { asset, amount }, credentials);
  }
}

/** Whether `value` ≥ `target` / 2, exactly. */
function isAtLeastHalf(value: string, target: string): boolean {
  const scale = Math.max(fractionLength(value), fractionLength(target));
  return scaled(value, scale) * 2n >= scaled(target, scale);
}

const fractionLength = (v: string): number => (v.split('.')[1] ?? '').length;
function scaled(v: string, scale: number): bigint {
  const [whole = '0', fraction = ''] = v.split('.');
  return BigInt(whole + fraction.padEnd(scale, '0'));
}
