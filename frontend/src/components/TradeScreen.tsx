'use client';
/** The trade screen of one market: ticker bar, chart, book, order form, trades and the account's orders. */
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { useAccount } from '../lib/account';
import { publicGet } from '../lib/api';
import { direction, fmt, fmtPercent } from '../lib/format';
import { streams, useCredentials, useMarkets } from '../lib/hooks';
import type { Market, StreamTicker, Ticker } from '../lib/types';
import { AccountTabs } from './AccountTabs';
import { OrderBookPanel } from './OrderBookPanel';
import { OrderFormPanel } from './OrderFormPanel';
import { PriceChart } from './PriceChart';
import { TradesPanel } from './TradesPanel';

export function TradeScreen({ symbol }: { readonly symbol: string }) {
  const markets = useMarkets();
  if (markets.state === 'loading') return <div className="skeleton">Loading market…</div>;
  if (markets.state === 'error')
    return <div className="notice bad">Could not load the markets: {markets.error}. Is the API running?</div>;
  const market = markets.value.find((m) => m.symbol === symbol);
  if (market === undefined)
    return (
      <div className="notice bad">
        Unknown market {symbol}. <Link href="/">All markets</Link>
      </div>
    );
  return <Trade market={market} markets={markets.value} />;
}

function Trade({ market, markets }: { readonly market: Market; readonly markets: readonly Market[] }) {
  const router = useRouter();
  const credentials = useCredentials();
  const account = useAccount(credentials, market.symbol);
  const [picked, setPicked] = useState<{ price: string; n: number }>();
  const [ticker, setTicker] = useState<Partial<Ticker>>();

  useEffect(() => {
    let live = true;
    setTicker(undefined);
    publicGet<Ticker>('ticker', { symbol: market.symbol }).then(
      (t) => live && setTicker((old) => old ?? t),
      () => undefined,
    );
    const stop = streams().subscribe(`ticker@${market.symbol}`, {
      onData: (data) => {
        const t = data as StreamTicker;
        setTicker({
          lastPrice: t.lastPrice ?? undefined,
          priceChange: t.priceChange ?? undefined,
          priceChangePercent: t.priceChangePercent ?? undefined,
          high: t.highPrice ?? undefined,
          low: t.lowPrice ?? undefined,
          volume: t.volume,
          quoteVolume: t.quoteVolume,
        });
      },
    });
    return () => {
      live = false;
      stop();
    };
  }, [market]);

  const pd = market.pricePrecision;
  const trend = direction(ticker?.priceChange);
  return (
    <div className="trade-grid">
      <section className="panel tickerbar" aria-label="Market">
        <select
          aria-label="Market"
          value={market.symbol}
          onChange={(e) => router.push(`/trade/${e.target.value}`)}
        >
          {markets.map((m) => (
            <option key={m.symbol} value={m.symbol}>
              {m.base}/{m.quote}
            </option>
          ))}
        </select>
        <span className={`last ${trend}`} data-testid="last-price">
          {fmt(ticker?.lastPrice, pd)}
        </span>
        <div className="stat">
          <span>24 h change</span>
          <span className={trend}>{fmtPercent(ticker?.priceChangePercent)}</span>
        </div>
        <div className="stat">
          <span>24 h high</span>
          <span className="num">{fmt(ticker?.high, pd)}</span>
        </div>
        <div className="stat">
          <span>24 h low</span>
          <span className="num">{fmt(ticker?.low, pd)}</span>
        </div>
        <div className="stat">
          <span>24 h volume ({market.base})</span>
          <span className="num">{fmt(ticker?.volume, market.quantityPrecision)}</span>
        </div>
        <div className="stat">
          <span>24 h volume ({market.quote})</span>
          <span className="num">{fmt(ticker?.quoteVolume, pd)}</span>
        </div>
      </section>
      <PriceChart market={market} />
      <OrderBookPanel
        market={market}
        lastPrice={ticker?.lastPrice}
        onPick={(price) => setPicked((old) => ({ price, n: (old?.n ?? 0) + 1 }))}
      />
      <OrderFormPanel
        market={market}
        credentials={credentials}
        account={account}
        picked={picked}
        reference={ticker?.lastPrice}
      />
      <TradesPanel market={market} />
      <AccountTabs market={market} credentials={credentials} account={account} />
    </div>
  );
}
