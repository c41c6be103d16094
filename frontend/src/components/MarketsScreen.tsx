'use client';
/**
 * Every market with its 24 h statistics and a sparkline, live from the `ticker@{market}`
 * streams; a row opens the trade screen.
 */
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { describeError, publicGet } from '../lib/api';
import { direction, fmt, fmtPercent } from '../lib/format';
import { streams, useMarkets } from '../lib/hooks';
import type { Market, RestKline, StreamTicker, Ticker } from '../lib/types';
import { Sparkline } from './Sparkline';

function fromStream(t: StreamTicker, pd: number): Ticker {
  const zero = pd === 0 ? '0' : `0.${'0'.repeat(pd)}`;
  return {
    symbol: t.market,
    firstPrice: t.openPrice ?? zero,
    high: t.highPrice ?? zero,
    low: t.lowPrice ?? zero,
    lastPrice: t.lastPrice ?? zero,
    priceChange: t.priceChange ?? zero,
    priceChangePercent: t.priceChangePercent ?? '0.000',
    volume: t.volume,
    quoteVolume: t.quoteVolume,
    trades: String(t.count),
  };
}

export function MarketsScreen() {
  const markets = useMarkets();
  const router = useRouter();
  const [tickers, setTickers] = useState<Record<string, Ticker>>({});
  const [sparks, setSparks] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (markets.state !== 'ready') return;
    let live = true;
    publicGet<Ticker[]>('tickers').then(
      (list) =>
        live && setTickers((old) => ({ ...Object.fromEntries(list.map((t) => [t.symbol, t])), ...old })),
      (e: unknown) => live && setError(describeError(e)),
    );
    const now = Math.floor(Date.now() / 1000);
    for (const m of markets.value) {
      publicGet<RestKline[]>('klines', {
        symbol: m.symbol,
        interval: '1h',
        startTime: now - 86_400,
        endTime: now,
      }).then(
        (ks) => live && setSparks((old) => ({ ...old, [m.symbol]: ks.map((k) => k.close) })),
        () => undefined,
      );
    }
    const client = streams();
    const stops = markets.value.map((m) =>
      client.subscribe(`ticker@${m.symbol}`, {
        onData: (data) => {
          const t = fromStream(data as StreamTicker, m.pricePrecision);
          setTickers((old) => ({ ...old, [m.symbol]: t }));
          setSparks((old) => {
            const line = old[m.symbol];
            if (line === undefined || line.length === 0) return old;
            return { ...old, [m.symbol]: [...line.slice(0, -1), t.lastPrice] };
          });
        },
      }),
    );
    return () => {
      live = false;
      for (const stop of stops) stop();
    };
  }, [markets]);

  if (markets.state === 'loading') return <div className="skeleton">Loading markets…</div>;
  if (markets.state === 'error')
    return <div className="notice bad">Could not load the markets: {markets.error}. Is the API running?</div>;
  if (markets.value.length === 0) return <div className="notice">No markets are listed.</div>;

  return (
    <>
      <h1>Markets</h1>
      {error === undefined ? null : <div className="notice bad">Tickers unavailable: {error}</div>}
      <div className="panel">
        <table className="markets" data-testid="markets">
          <thead>
            <tr>
              <th>Market</th>
              <th className="num">Last price</th>
              <th className="num">24 h change</th>
              <th className="num">24 h high</th>
              <th className="num">24 h low</th>
              <th className="num">24 h volume</th>
              <th>Last 24 h</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {markets.value.map((m) => (
              <MarketRow
                key={m.symbol}
                market={m}
                ticker={tickers[m.symbol]}
                closes={sparks[m.symbol] ?? []}
                open={() => router.push(`/trade/${m.symbol}`)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function MarketRow(props: {
  readonly market: Market;
  readonly ticker: Ticker | undefined;
  readonly closes: readonly string[];
  readonly open: () => void;
}) {
  const { market: m, ticker: t } = props;
  const trend = direction(t?.priceChange);
  return (
    <tr onClick={props.open} data-market={m.symbol}>
      <td>
        <span className="sym">{m.base}</span>
        <span className="muted"> / {m.quote}</span>
      </td>
      <td className="num" data-testid="last-price">
        {t === undefined ? '—' : fmt(t.lastPrice, m.pricePrecision)}
      </td>
      <td className={`num ${trend}`}>{t === undefined ? '—' : fmtPercent(t.priceChangePercent)}</td>
      <td className="num">{t === undefined ? '—' : fmt(t.high, m.pricePrecision)}</td>
      <td className="num">{t === undefined ? '—' : fmt(t.low, m.pricePrecision)}</td>
      <td className="num">{t === undefined ? '—' : `${fmt(t.volume, m.quantityPrecision)} ${m.base}`}</td>
      <td>
        <Sparkline closes={props.closes} trend={trend} />
      </td>
      <td>
        <a href={`/trade/${m.symbol}`} onClick={(e) => e.stopPropagation()}>
          Trade
        </a>
      </td>
    </tr>
  );
}
