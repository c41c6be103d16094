'use client';
/** The signed-in account under the chart: open orders (reduce, cancel, cancel all), order history, fills, balances. */
import Link from 'next/link';
import { useState } from 'react';
import type { AccountState } from '../lib/account';
import { describeError, signed } from '../lib/api';
import { fmt, fmtDateTime, fmtOpenStatus, fmtOrderType, fmtStop, fmtTrim } from '../lib/format';
import type { Credentials } from '../lib/session';
import type { Market, Order } from '../lib/types';

type Tab = 'open' | 'history' | 'fills' | 'balances';
const TABS: readonly [Tab, string][] = [
  ['open', 'Open orders'],
  ['history', 'Order history'],
  ['fills', 'Fills'],
  ['balances', 'Balances'],
];

export function AccountTabs(props: {
  readonly market: Market;
  readonly credentials: Credentials | undefined;
  readonly account: AccountState;
}) {
  const { market, credentials, account } = props;
  const [tab, setTab] = useState<Tab>('open');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const cancel = async (params: Record<string, unknown>, path: 'order' | 'orders') => {
    if (credentials === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await signed<{ order?: Order; orders?: Order[] }>(credentials, 'DELETE', path, params);
      for (const order of [...(answer.orders ?? []), ...(answer.order === undefined ? [] : [answer.order])])
        account.remember(order);
      account.refresh();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  /** Reduces an open order to `quantity`, keeping its place in the queue (`POST /api/v1/order/amend`). */
  const reduce = async (order: Order, quantity: string): Promise<boolean> => {
    if (credentials === undefined) return false;
    setBusy(true);
    setError(undefined);
    try {
      const answer = await signed<{ order: Order; orderList: Order[] }>(credentials, 'POST', 'order/amend', {
        market: order.market,
        orderId: order.orderId,
        quantity,
      });
      for (const o of [answer.order, ...answer.orderList]) account.remember(o);
      account.refresh();
      return true;
    } catch (e) {
      setError(describeError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const count = account.openOrders?.length ?? 0;
  return (
    <section className="panel account" data-testid="account" aria-label="Your orders and balances">
      <div className="panel-head">
        <div className="tabs" role="tablist">
          {TABS.map(([id, label]) => (
            <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
              {label}
              {id === 'open' && count > 0 ? ` (${count})` : ''}
            </button>
          ))}
        </div>
        <span className="spacer" />
        {tab === 'open' && count > 0 ? (
          <button
            type="button"
            disabled={busy}
            onClick={() => void cancel({ market: market.symbol }, 'orders')}
          >
            Cancel all
          </button>
        ) : null}
        {credentials !== undefined && account.status === 'reconnecting' ? (
          <span className="error">Account stream reconnecting…</span>
        ) : null}
      </div>
      <div className="panel-body">
        {credentials === undefined ? (
          <div className="notice">
            <Link href="/account">Sign up</Link> to see your orders and balances.
          </div>
        ) : (
          <>
            {error === undefined ? null : <div className="notice bad">{error}</div>}
            {account.error === undefined ? null : <div className="notice bad">{account.error}</div>}
            {tab === 'open' ? (
              <OpenOrders
                {...props}
                busy={busy}
                cancel={(o) => void cancel({ market: o.market, orderId: o.orderId }, 'order')}
                reduce={reduce}
              />
            ) : null}
            {tab === 'history' ? <History market={market} orders={account.history} /> : null}
            {tab === 'fills' ? <Fills {...props} /> : null}
            {tab === 'balances' ? <Balances account={account} /> : null}
          </>
        )}
      </div>
    </section>
  );
}

function OpenOrders(props: {
  readonly market: Market;
  readonly account: AccountState;
  readonly busy: boolean;
  readonly cancel: (order: Order) => void;
  readonly reduce: (order: Order, quantity: string) => Promise<boolean>;
}) {
  const { market, account } = props;
  /** The order whose quantity is being reduced, and the quantity typed so far. */
  const [reducing, setReducing] = useState<{ orderId: number; quantity: string }>();
  if (account.openOrders === undefined) return <div className="skeleton">Loading orders…</div>;
  if (account.openOrders.length === 0) return <div className="skeleton">No open orders</div>;
  return (
    <table data-testid="open-orders">
      <thead>
        <tr>
          <th>Time</th>
          <th>Side</th>
          <th>Type</th>
          <th className="num">Stop</th>
          <th className="num">Price</th>
          <th className="num">Amount</th>
          <th className="num">Filled</th>
          <th>Status</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {account.openOrders.map((o) => (
          <tr
            key={o.orderId}
            data-order-id={o.orderId}
            data-price={o.price ?? ''}
            data-stop-price={o.stopPrice ?? ''}
            data-quantity={o.quantity ?? ''}
            data-status={fmtOpenStatus(o)}
          >
            <td className="muted">{fmtDateTime(o.createdAt)}</td>
            <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
            <td>{fmtOrderType(o)}</td>
            <td className="num">{fmtStop(o, market.pricePrecision)}</td>
            <td className="num">{fmt(o.price, market.pricePrecision)}</td>
            <td className="num">{fmt(o.quantity, market.quantityPrecision)}</td>
            <td className="num">{fmt(o.filledQuantity, market.quantityPrecision)}</td>
            <td className={o.workingTime === -1 ? 'muted' : undefined}>{fmtOpenStatus(o)}</td>
            <td className="num">
              {reducing?.orderId === o.orderId ? (
                <form
                  className="inline"
                  onSubmit={(event) => {
                    event.preventDefault();
                    void props.reduce(o, reducing.quantity).then((done) => {
                      if (done) setReducing(undefined);
                    });
                  }}
                >
                  <input
                    aria-label="New amount"
                    inputMode="decimal"
                    size={8}
                    style={{ width: '7em' }}
                    value={reducing.quantity}
                    onChange={(event) => setReducing({ orderId: o.orderId, quantity: event.target.value })}
                  />
                  <button type="submit" className="link" disabled={props.busy}>
                    Save
                  </button>
                  <button type="button" className="link" onClick={() => setReducing(undefined)}>
                    Keep
                  </button>
                </form>
              ) : (
                <>
                  {o.quantity === null ? null : (
                    <button
                      type="button"
                      className="link"
                      disabled={props.busy}
                      title="Reduce the amount, keeping the order's place in the queue"
                      onClick={() => setReducing({ orderId: o.orderId, quantity: o.quantity ?? '' })}
                    >
                      Reduce
                    </button>
                  )}
                  <button
                    type="button"
                    className="link"
                    disabled={props.busy}
                    onClick={() => props.cancel(o)}
                  >
                    Cancel
                  </button>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History({ market, orders }: { readonly market: Market; readonly orders: readonly Order[] }) {
  if (orders.length === 0) return <div className="skeleton">No ended orders seen in this browser yet</div>;
  return (
    <table data-testid="order-history">
      <thead>
        <tr>
          <th>Time</th>
          <th>Side</th>
          <th>Type</th>
          <th className="num">Stop</th>
          <th className="num">Price</th>
          <th className="num">Amount</th>
          <th className="num">Filled</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.orderId} data-order-id={o.orderId}>
            <td className="muted">{fmtDateTime(o.updatedAt ?? o.createdAt)}</td>
            <td className={o.side === 'BUY' ? 'up' : 'down'}>{o.side}</td>
            <td>{fmtOrderType(o)}</td>
            <td className="num">{fmtStop(o, market.pricePrecision)}</td>
            <td className="num">{fmt(o.price, market.pricePrecision)}</td>
            <td className="num">{fmt(o.quantity, market.quantityPrecision)}</td>
            <td className="num">{fmt(o.filledQuantity, market.quantityPrecision)}</td>
            <td>{o.status}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Fills({ market, account }: { readonly market: Market; readonly account: AccountState }) {
  if (account.fills === undefined) return <div className="skeleton">Loading fills…</div>;
  if (account.fills.length === 0) return <div className="skeleton">No fills yet</div>;
  return (
    <table data-testid="fills">
      <thead>
        <tr>
          <th>Time</th>
          <th>Side</th>
          <th className="num">Price</th>
          <th className="num">Amount</th>
          <th className="num">Fee</th>
          <th>Role</th>
        </tr>
      </thead>
      <tbody>
        {account.fills.map((f) => (
          <tr key={`${f.tradeId}-${f.orderId}`}>
            <td className="muted">{fmtDateTime(f.time)}</td>
            <td className={f.side === 'BUY' ? 'up' : 'down'}>{f.side}</td>
            <td className="num">{fmt(f.price, market.pricePrecision)}</td>
            <td className="num">{fmt(f.quantity, market.quantityPrecision)}</td>
            <td className="num">
              {fmtTrim(f.fee)} {f.feeAsset}
            </td>
            <td>{f.isMaker ? 'maker' : 'taker'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Balances({ account }: { readonly account: AccountState }) {
  if (account.balances === undefined) return <div className="skeleton">Loading balances…</div>;
  return (
    <table data-testid="balances">
      <thead>
        <tr>
          <th>Asset</th>
          <th className="num">Available</th>
          <th className="num">In orders</th>
        </tr>
      </thead>
      <tbody>
        {account.balances.map((b) => (
          <tr key={b.asset} data-asset={b.asset} data-available={b.available} data-locked={b.locked}>
            <td>{b.asset}</td>
            <td className="num">{fmtTrim(b.available)}</td>
            <td className="num">{fmtTrim(b.locked)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
