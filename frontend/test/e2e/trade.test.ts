/**
 * The trade screen end to end (whole stack, real Chromium): the exchange started as
 * `npm start` starts it (free ports, its own database and Redis prefix) with the UI
 * built and served, then two users in two browser contexts: load the markets, open a
 * market, sign up, get test funds, rest a limit order and see it in the open orders and
 * the book, reduce it, cancel it, rest another, and cross it from the second account — the trade
 * shows in the trade list and the chart, and both balances move by exactly the fill
 * and the fees; then a stop-limit sell waits in the open orders with its stop price. Screenshots of the trade screen and the markets go to `test/artifacts/`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createScratchDatabase, type ScratchDatabase } from '../../../local-services/src/index';
import { type RunningExchange, startExchange } from '../../../localstack/src/exchange/exchange';

const prefix = `ui-${randomBytes(4).toString('hex')}:`;
const artifacts = join(__dirname, '..', 'artifacts');
const output: string[] = [];
const consoleErrors: string[] = [];
let db: ScratchDatabase;
let exchange: RunningExchange;
let browser: Browser;
let ui: string;

beforeAll(async () => {
  db = await createScratchDatabase({ prefix: 'exchange_ui_end_to_end' });
  exchange = await startExchange({
    ports: { sqs: 0, httpApi: 0, webSocketApi: 0, engineHealth: 0, fanoutHealth: 0, ui: 0 },
    marketMakers: false,
    ui: true,
    env: { DATABASE_URL: db.url, REDIS_PREFIX: prefix, LEASE_KEY: `${prefix}engine:lease` },
    writer: (service) => (line) => {
      output.push(`${service} │ ${line}`);
      if (output.length > 300) output.shift();
    },
  });
  ui = exchange.urls.ui as string;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await exchange?.close();
  await db?.drop();
}, 120_000);

async function newUser(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  return { context, page };
}

async function signUpAndFund(page: Page): Promise<string> {
  await page.goto(`${ui}/account`);
  await page.getByRole('button', { name: 'Sign up' }).click();
  const accountId = (await page.getByTestId('account-id').textContent()) as string;
  await page.getByRole('button', { name: 'Get test funds' }).click();
  await page.getByTestId('account-message').filter({ hasText: 'Credited' }).waitFor();
  await page.locator('[data-testid=balances] tr[data-asset=USDC][data-available^="100000"]').waitFor();
  return accountId;
}

async function openTrade(page: Page): Promise<void> {
  await page.goto(`${ui}/trade/SOL_USDC`);
  await page.locator('[data-testid=order-book][data-state=live]').waitFor();
  await page.locator('[data-testid=chart][data-state=live]').waitFor();
}

async function placeLimit(page: Page, side: 'Buy' | 'Sell', price: string, amount: string): Promise<void> {
  const form = page.getByTestId('order-form');
  await form.getByRole('tab', { name: 'Limit', exact: true }).click();
  await form.getByRole('button', { name: side, exact: true }).click();
  await form.locator('input[name=price]').fill(price);
  await form.locator('input[name=amount]').fill(amount);
  await form.getByRole('button', { name: `${side} SOL` }).click();
  await form
    .getByTestId('order-result')
    .filter({ hasText: /order #\d+/ })
    .waitFor();
}

/** A balance of the account shown on the trade screen, once it equals `expected` (trailing zeros ignored). */
async function balance(page: Page, asset: string, expected: { available: string; locked: string }) {
  await page.getByTestId('account').getByRole('tab', { name: 'Balances' }).click();
  const row = page.locator(`[data-testid=balances] tr[data-asset=${asset}]`);
  const trim = (text: string | null) => (text ?? '').replace(/\.?0+$/, '');
  for (let attempt = 0; attempt < 100; attempt++) {
    const available = trim(await row.getAttribute('data-available'));
    const locked = trim(await row.getAttribute('data-locked'));
    if (available === expected.available && locked === expected.locked) return { available, locked };
    await page.waitForTimeout(100);
  }
  return {
    available: trim(await row.getAttribute('data-available')),
    locked: trim(await row.getAttribute('data-locked')),
  };
}

test('markets → trade → sign up → on-ramp → limit order → reduce → cancel → cross from a second account', async () => {
  // Load the markets and open one.
  const maker = await newUser();
  await maker.page.goto(ui);
  const row = maker.page.locator('[data-testid=markets] tr[data-market=SOL_USDC]');
  await row.waitFor();
  expect(await maker.page.locator('[data-testid=markets] tbody tr').count()).toBeGreaterThanOrEqual(3);
  await row.click();
  await maker.page.waitForURL(/\/trade\/SOL_USDC$/);
  await maker.page.locator('[data-testid=order-book][data-state=live]').waitFor();

  // Sign up, on-ramp, rest a limit buy: it shows in the open orders and in the book.
  await signUpAndFund(maker.page);
  await openTrade(maker.page);
  await placeLimit(maker.page, 'Buy', '100.00', '1.5');
  await maker.page.locator('[data-testid=open-orders] tr[data-price="100.00"]').waitFor();
  const bid = maker.page.locator('[data-testid=order-book] tr.bid[data-price="100.00"]');
  await bid.waitFor().catch((error: unknown) => {
    // The book moves only through `depth@SOL_USDC` diffs: show what the fan-out said.
    throw new Error(
      `${String(error)}\n${output
        .filter((l) => l.startsWith('fanout'))
        .slice(-10)
        .join('\n')}`,
    );
  });
  expect(await bid.locator('td').nth(1).textContent()).toBe('1.500');

  // Reduce it to 1: the open order and the book's level follow, the order keeps its place.
  const resting = maker.page.locator('[data-testid=open-orders] tr[data-price="100.00"]');
  await resting.getByRole('button', { name: 'Reduce' }).click();
  await resting.getByLabel('New amount').fill('1');
  await resting.getByRole('button', { name: 'Save' }).click();
  await maker.page
    .locator('[data-testid=open-orders] tr[data-price="100.00"][data-quantity="1.000"]')
    .waitFor();
  await maker.page
    .locator('[data-testid=order-book] tr.bid[data-price="100.00"] td:nth-child(2)', { hasText: '1.000' })
    .waitFor();

  // Cancel it: gone from both.
  await maker.page
    .locator('[data-testid=open-orders] tr[data-price="100.00"]')
    .getByRole('button', { name: 'Cancel' })
    .click();
  await maker.page.getByTestId('account').getByText('No open orders').waitFor();
  await bid.waitFor({ state: 'detached' });

  // Rest another; a second account sells into it.
  await placeLimit(maker.page, 'Buy', '100.00', '1');
  await bid.waitFor();
  const taker = await newUser();
  await signUpAndFund(taker.page);
  await openTrade(taker.page);
  await taker.page.locator('[data-testid=order-book] tr.bid[data-price="100.00"]').waitFor();
  await placeLimit(taker.page, 'Sell', '100.00', '1');

  // The trade shows on both screens' trade lists (taker sold) and in the chart.
  for (const page of [maker.page, taker.page]) {
    await page
      .locator('[data-testid=trades] tr[data-price="100.00"][data-quantity="1.000"][data-side=SELL]')
      .waitFor();
    await page.locator('[data-testid=chart][data-last-close="100.00"]').waitFor();
  }
  await bid.waitFor({ state: 'detached' });

  // Balances: maker paid 100 USDC for 1 SOL less its 0.1 % fee; taker got 100 USDC less 0.2 %.
  expect(await balance(maker.page, 'SOL', { available: '1000.999', locked: '0' })).toEqual({
    available: '1000.999',
    locked: '0',
  });
  expect(await balance(maker.page, 'USDC', { available: '99900', locked: '0' })).toEqual({
    available: '99900',
    locked: '0',
  });
  expect(await balance(taker.page, 'SOL', { available: '999', locked: '0' })).toEqual({
    available: '999',
    locked: '0',
  });
  expect(await balance(taker.page, 'USDC', { available: '100099.8', locked: '0' })).toEqual({
    available: '100099.8',
    locked: '0',
  });

  await maker.page.goto(ui);
  await maker.page
    .locator('[data-testid=markets] tr[data-market=SOL_USDC] td[data-testid=last-price]')
    .filter({ hasText: '100.00' })
    .waitFor();
  mkdirSync(artifacts, { recursive: true });
  await maker.page.screenshot({ path: join(artifacts, 'markets.png') });
  await openTrade(maker.page);

  // Something resting on both sides for the screenshot.
  await placeLimit(maker.page, 'Buy', '99.50', '2');
  await placeLimit(taker.page, 'Sell', '100.75', '1.25');
  await maker.page.locator('[data-testid=order-book] tr.ask[data-price="100.75"]').waitFor();
  await maker.page.locator('[data-testid=order-book] tr.bid[data-price="99.50"]').waitFor();

  // A stop-limit sell below the last price (100) waits, funds locked, off the book.
  const form = maker.page.getByTestId('order-form');
  await form.getByRole('tab', { name: 'Stop-limit' }).click();
  await form.getByRole('button', { name: 'Sell', exact: true }).click();
  await form.locator('input[name=stopPrice]').fill('95.00');
  await form.locator('input[name=price]').fill('94.00');
  await form.locator('input[name=amount]').fill('0.5');
  await form.getByRole('button', { name: 'Sell SOL' }).click();
  await form.getByTestId('order-result').filter({ hasText: 'waiting for its stop price' }).waitFor();
  await maker.page
    .locator('[data-testid=open-orders] tr[data-stop-price="95.00"][data-price="94.00"][data-status=waiting]')
    .waitFor();
  expect(await balance(maker.page, 'SOL', { available: '1000.499', locked: '0.5' })).toEqual({
    available: '1000.499',
    locked: '0.5',
  });
  mkdirSync(artifacts, { recursive: true });
  await maker.page.getByTestId('account').getByRole('tab', { name: 'Fills' }).click();
  await maker.page.screenshot({ path: join(artifacts, 'trade.png') });

  await maker.context.close();
  await taker.context.close();
  expect(consoleErrors).toEqual([]);
}, 240_000);
