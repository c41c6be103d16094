'use client';
/**
 * Limit, market, stop-limit and take-profit-limit orders. Every keystroke is checked against the market's grids, the
 * minimum order value and the balance ({@link validateOrder}); the total and the fee
 * are exact. Clicking a book level fills in its price.
 */
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { AccountState } from '../lib/account';
import { describeError, signed } from '../lib/api';
import { fmtTrim } from '../lib/format';
import type { Credentials } from '../lib/session';
import type { Market, Order } from '../lib/types';
import {
  acceptsInput,
  amountForPercent,
  type FormType,
  isPriced,
  isStopType,
  orderBody,
  type Side,
  validateOrder,
} from '../model/order-form';

export function OrderFormPanel(props: {
  readonly market: Market;
  readonly credentials: Credentials | undefined;
  readonly account: AccountState;
  /** A price picked in the book (with a counter so the same price can be picked twice). */
  readonly picked: { readonly price: string; readonly n: number } | undefined;
  /** The price a market buy's percentage buttons use: the best ask. */
  readonly reference: string | undefined;
}) {
  const { market, credentials, account } = props;
  const [side, setSide] = useState<Side>('BUY');
  const [type, setType] = useState<FormType>('LIMIT');
  const [price, setPrice] = useState('');
  const [stopPrice, setStopPrice] = useState('');
  const [amount, setAmount] = useState('');
  const [postOnly, setPostOnly] = useState(false);
  const [ioc, setIoc] = useState(false);
  const [touched, setTouched] = useState({ price: false, stopPrice: false, amount: false });
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string }>();

  useEffect(() => {
    if (props.picked !== undefined) {
      setPrice(props.picked.price);
      setTouched((t) => ({ ...t, price: true }));
    }
  }, [props.picked]);

  const available = Object.fromEntries((account.balances ?? []).map((b) => [b.asset, b.available]));
  const input = { side, type, price, stopPrice, amount, postOnly, ioc };
  const check = validateOrder(market, input, available);
  const change = (set: (v: string) => void, field: Field) => (text: string) => {
    if (!acceptsInput(text)) return;
    set(text);
    setTouched((t) => ({ ...t, [field]: true }));
    setResult(undefined);
  };
  const pct = (p: number) => {
    const value = amountForPercent(
      market,
      side,
      isPriced(type) ? price : (props.reference ?? ''),
      p,
      available,
    );
    if (value !== undefined) change(setAmount, 'amount')(value);
  };

  const submit = async () => {
    if (credentials === undefined || !check.ok) return;
    setSending(true);
    setResult(undefined);
    try {
      const answer = await signed<{ order?: Order; status?: string }>(
        credentials,
        'POST',
        'order',
        orderBody(market, input),
      );
      const order = answer.order;
      if (order === undefined) setResult({ ok: true, text: 'Order accepted; waiting for the engine…' });
      else {
        account.remember(order);
        setResult({
          ok: true,
          text: `${order.side === 'BUY' ? 'Buy' : 'Sell'} order #${order.orderId} ${statusText(order)}`,
        });
      }
      setAmount('');
      setTouched({ price: false, stopPrice: false, amount: false });
      account.refresh();
    } catch (e) {
      setResult({ ok: false, text: describeError(e) });
    } finally {
      setSending(false);
    }
  };

  const base = market.base;
  const quote = market.quote;
  const show = (field: Field) => (touched[field] ? check.errors[field] : undefined);
  return (
    <section className="panel form" data-testid="order-form" aria-label="Place an order">
      <div className="panel-head">
        <div className="tabs" role="tablist">
          {TYPES.map(([t, label]) => (
            <button key={t} type="button" role="tab" aria-selected={type === t} onClick={() => setType(t)}>
              {label}
            </button>
          ))}
        </div>
      </div>
      <form
        className="panel-body"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="sides">
          <button type="button" className="b" aria-pressed={side === 'BUY'} onClick={() => setSide('BUY')}>
            Buy
          </button>
          <button type="button" className="s" aria-pressed={side === 'SELL'} onClick={() => setSide('SELL')}>
            Sell
          </button>
        </div>
        <div className="line">
          <span>Available</span>
          <span data-testid="available">
            {credentials === undefined || account.balances === undefined
              ? '—'
              : side === 'BUY'
                ? `${fmtTrim(available[quote] ?? '0')} ${quote}`
                : `${fmtTrim(available[base] ?? '0')} ${base}`}
          </span>
        </div>
        {isStopType(type) ? (
          <label className="field">
            Stop price
            <span className="in">
              <input
                name="stopPrice"
                inputMode="decimal"
                autoComplete="off"
                placeholder={market.tickSize}
                value={stopPrice}
                aria-invalid={show('stopPrice') !== undefined}
                onChange={(e) => change(setStopPrice, 'stopPrice')(e.target.value)}
              />
              <span className="muted">{quote}</span>
            </span>
            <span className="hint error">{show('stopPrice')}</span>
          </label>
        ) : null}
        {isPriced(type) ? (
          <label className="field">
            Price
            <span className="in">
              <input
                name="price"
                inputMode="decimal"
                autoComplete="off"
                placeholder={market.tickSize}
                value={price}
                aria-invalid={show('price') !== undefined}
                onChange={(e) => change(setPrice, 'price')(e.target.value)}
              />
              <span className="muted">{quote}</span>
            </span>
            <span className="hint error">{show('price')}</span>
          </label>
        ) : (
          <div className="line">
            <span>Price</span>
            <span>Best available</span>
          </div>
        )}
        <label className="field">
          Amount
          <span className="in">
            <input
              name="amount"
              inputMode="decimal"
              autoComplete="off"
              placeholder={market.stepSize}
              value={amount}
              aria-invalid={show('amount') !== undefined}
              onChange={(e) => change(setAmount, 'amount')(e.target.value)}
            />
            <span className="muted">{base}</span>
          </span>
          <span className="hint error">{show('amount')}</span>
        </label>
        <div className="pcts">
          {[25, 50, 75, 100].map((p) => (
            <button key={p} type="button" onClick={() => pct(p)} disabled={credentials === undefined}>
              {p}%
            </button>
          ))}
        </div>
        {type === 'LIMIT' ? (
          <div className="opts">
            <label>
              <input type="checkbox" checked={postOnly} onChange={(e) => setPostOnly(e.target.checked)} />{' '}
              Post-only
            </label>
            <label>
              <input type="checkbox" checked={ioc} onChange={(e) => setIoc(e.target.checked)} /> IOC
            </label>
          </div>
        ) : null}
        <div className="line">
          <span>Total</span>
          <span data-testid="total">
            {check.total === undefined ? '—' : `${fmtTrim(check.total)} ${quote}`}
          </span>
        </div>
        <div className="line">
          <span>Fee (up to {check.feePercent}%)</span>
          <span>{check.fee === undefined ? '—' : `${fmtTrim(check.fee)} ${check.feeAsset}`}</span>
        </div>
        <div className="hint error" data-testid="form-error">
          {touched.price || touched.stopPrice || touched.amount ? check.errors.total : undefined}
        </div>
        {credentials === undefined ? (
          <Link href="/account">
            <button type="button" className="primary submit">
              Sign up to trade
            </button>
          </Link>
        ) : (
          <button
            type="submit"
            className={`${side === 'BUY' ? 'buy' : 'sell'} submit`}
            disabled={!check.ok || sending}
          >
            {sending ? 'Sending…' : `${side === 'BUY' ? 'Buy' : 'Sell'} ${base}`}
          </button>
        )}
        {result === undefined ? null : (
          <div className={`hint ${result.ok ? 'up' : 'error'}`} role="status" data-testid="order-result">
            {result.text}
          </div>
        )}
      </form>
    </section>
  );
}

type Field = 'price' | 'stopPrice' | 'amount';

const TYPES: readonly (readonly [FormType, string])[] = [
  ['LIMIT', 'Limit'],
  ['MARKET', 'Market'],
  ['STOP_LOSS_LIMIT', 'Stop-limit'],
  ['TAKE_PROFIT_LIMIT', 'Take-profit'],
];

/** An answered order's status for the screen: a stop that has not fired yet is "waiting". */
function statusText(order: Order): string {
  if (order.workingTime === -1 && order.status === 'NEW') return 'waiting for its stop price';
  return order.status.toLowerCase().replace('_', ' ');
}
