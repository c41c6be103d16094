'use client';
/** Recent trades, coloured by the taker's side: `GET /api/v1/trades`, then `trades@{market}`. */
import { useEffect, useState } from 'react';
import { describeError, publicGet } from '../lib/api';
import { fmt, fmtTime } from '../lib/format';
import { streams } from '../lib/hooks';
import type { Market, RestTrade, StreamTrade, Trade } from '../lib/types';

const KEEP = 60;

export function TradesPanel({ market }: { readonly market: Market }) {
  const [trades, setTrades] = useState<Trade[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    const add = (incoming: Trade[]) =>
      setTrades((old) => {
        const seen = new Set((old ?? []).map((t) => t.id));
        const merged = [...incoming.filter((t) => !seen.has(t.id)), ...(old ?? [])];
        return merged.sort((a, b) => b.id - a.id).slice(0, KEEP);
      });
    const load = () =>
      publicGet<RestTrade[]>('trades', { symbol: market.symbol, limit: KEEP }).then(
        (list) => {
          if (!live) return;
          setError(undefined);
          add(
            list.map((t) => ({
              id: t.id,
              price: t.price,
              quantity: t.quantity,
              side: t.isBuyerMaker ? 'SELL' : 'BUY',
              time: t.timestamp,
            })),
          );
        },
        (e: unknown) => live && setError(describeError(e)),
      );
    setTrades(undefined);
    const client = streams();
    const stop = client.subscribe(`trades@${market.symbol}`, {
      onData: (data) => {
        const t = data as StreamTrade;
        add([{ id: t.tradeId, price: t.price, quantity: t.quantity, side: t.takerSide, time: t.time }]);
      },
    });
    // After a reconnect, fill in what the stream missed.
    const stopStatus = client.onStatus((status) => {
      if (status === 'open') void load();
    });
    void load();
    return () => {
      live = false;
      stop();
      stopStatus();
    };
  }, [market]);

  return (
    <section className="panel trades" data-testid="trades" aria-label="Recent trades">
      <h2>Recent trades</h2>
      <div className="panel-body">
        {error === undefined ? null : <div className="notice bad">Trades unavailable: {error}</div>}
        {trades === undefined && error === undefined ? <div className="skeleton">Loading trades…</div> : null}
        {trades !== undefined && trades.length === 0 ? <div className="skeleton">No trades yet</div> : null}
        {trades !== undefined && trades.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th>Price</th>
                <th className="num">Amount</th>
                <th className="num">Time</th>
              </tr>
            </thead>
            <tbody>
              {trades.map((t) => (
                <tr
                  key={t.id}
                  data-trade-id={t.id}
                  data-side={t.side}
                  data-price={t.price}
                  data-quantity={t.quantity}
                >
                  <td className={t.side === 'BUY' ? 'up' : 'down'}>{fmt(t.price, market.pricePrecision)}</td>
                  <td className="num">{fmt(t.quantity, market.quantityPrecision)}</td>
                  <td className="num muted">{fmtTime(t.time)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </section>
  );
}
