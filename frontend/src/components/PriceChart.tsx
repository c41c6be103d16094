'use client';
/**
 * Candles and volume (`lightweight-charts`), loaded from `GET /api/v1/klines` and kept
 * live from `kline@{market}_{interval}`. The canvas needs numbers: prices become floats
 * only here, for drawing, and the axis prints them at the market's precision.
 */
import {
  CandlestickSeries,
  createChart,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef, useState } from 'react';
import { describeError, publicGet } from '../lib/api';
import { streams } from '../lib/hooks';
import {
  INTERVAL_SECONDS,
  INTERVALS,
  type Interval,
  type Market,
  type RestKline,
  type StreamKline,
} from '../lib/types';

interface Bar {
  readonly time: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

type ChartState = 'loading' | 'live' | 'error';

const CANDLES = 300;

export function PriceChart({ market }: { readonly market: Market }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<{
    api: IChartApi;
    candles: ISeriesApi<'Candlestick'>;
    volume: ISeriesApi<'Histogram'>;
  }>(undefined);
  const [interval, chooseInterval] = useState<Interval>('1m');
  const [state, setState] = useState<ChartState>('loading');
  const [error, setError] = useState<string>();
  const [count, setCount] = useState(0);
  const [last, setLast] = useState<Bar>();

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const api = createChart(el, {
      autoSize: true,
      layout: {
        background: { color: '#131722' },
        textColor: '#8a93a6',
        fontFamily: 'system-ui, sans-serif',
        attributionLogo: false,
      },
      grid: { vertLines: { color: '#1c2233' }, horzLines: { color: '#1c2233' } },
      rightPriceScale: { borderColor: '#232a3b' },
      timeScale: { borderColor: '#232a3b', timeVisible: true, secondsVisible: false },
      crosshair: { mode: 0 },
    });
    const candles = api.addSeries(CandlestickSeries, {
      upColor: '#16c784',
      downColor: '#ea3943',
      borderVisible: false,
      wickUpColor: '#16c784',
      wickDownColor: '#ea3943',
      priceFormat: { type: 'price', precision: market.pricePrecision, minMove: Number(market.tickSize) },
    });
    const volume = api.addSeries(HistogramSeries, {
      priceScaleId: 'volume',
      priceFormat: { type: 'volume' },
      lastValueVisible: false,
      priceLineVisible: false,
    });
    api.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
    candles.priceScale().applyOptions({ scaleMargins: { top: 0.1, bottom: 0.25 } });
    chart.current = { api, candles, volume };
    return () => {
      chart.current = undefined;
      api.remove();
    };
  }, [market]);

  useEffect(() => {
    const target = chart.current;
    if (target === undefined) return;
    let live = true;
    let lastTime = 0;
    let loaded = false;
    let subscribed = false;
    const early: Bar[] = [];
    setState('loading');
    setError(undefined);
    setCount(0);
    setLast(undefined);
    const draw = (bar: Bar) => {
      if (bar.time < lastTime) return;
      lastTime = bar.time;
      const time = bar.time as UTCTimestamp;
      target.candles.update({ time, open: +bar.open, high: +bar.high, low: +bar.low, close: +bar.close });
      target.volume.update({
        time,
        value: +bar.volume,
        color: +bar.close >= +bar.open ? 'rgba(22,199,132,0.45)' : 'rgba(234,57,67,0.45)',
      });
      setLast(bar);
    };
    const ready = () => {
      if (loaded && subscribed && live) setState('live');
    };
    const stop = streams().subscribe(`kline@${market.symbol}_${interval}`, {
      onData: (data) => {
        const k = data as StreamKline;
        const bar = {
          time: Math.floor(k.openTime / 1000),
          open: k.open,
          high: k.high,
          low: k.low,
          close: k.close,
          volume: k.volume,
        };
        if (!loaded) early.push(bar);
        else {
          const isNew = bar.time > lastTime;
          draw(bar);
          if (isNew) setCount((n) => n + 1);
        }
      },
      onSubscribed: () => {
        subscribed = true;
        ready();
      },
    });
    const now = Math.floor(Date.now() / 1000);
    publicGet<RestKline[]>('klines', {
      symbol: market.symbol,
      interval,
      startTime: now - INTERVAL_SECONDS[interval] * CANDLES,
      endTime: now + INTERVAL_SECONDS[interval],
      limit: CANDLES,
    }).then(
      (klines) => {
        if (!live) return;
        const bars = klines.map((k) => ({ ...k, time: Math.floor(Date.parse(k.start) / 1000) }));
        target.candles.setData(
          bars.map((b) => ({
            time: b.time as UTCTimestamp,
            open: +b.open,
            high: +b.high,
            low: +b.low,
            close: +b.close,
          })),
        );
        target.volume.setData(
          bars.map((b) => ({
            time: b.time as UTCTimestamp,
            value: +b.volume,
            color: +b.close >= +b.open ? 'rgba(22,199,132,0.45)' : 'rgba(234,57,67,0.45)',
          })),
        );
        lastTime = bars.at(-1)?.time ?? 0;
        setLast(bars.at(-1));
        loaded = true;
        for (const bar of early) draw(bar);
        setCount(new Set([...bars.map((b) => b.time), ...early.map((b) => b.time)]).size);
        target.api.timeScale().scrollToRealTime();
        ready();
      },
      (e: unknown) => {
        if (!live) return;
        setState('error');
        setError(describeError(e));
      },
    );
    return () => {
      live = false;
      stop();
    };
  }, [market, interval]);

  return (
    <section
      className="panel chart"
      data-testid="chart"
      data-state={state}
      data-candles={count}
      data-last-close={last?.close ?? ''}
      aria-label="Price chart"
    >
      <div className="panel-head">
        <span>Chart</span>
        <div className="tabs" role="tablist">
          {INTERVALS.map((i) => (
            <button
              key={i}
              type="button"
              role="tab"
              aria-selected={i === interval}
              onClick={() => chooseInterval(i)}
            >
              {i}
            </button>
          ))}
        </div>
      </div>
      <div className="chart-box" ref={box}>
        {state === 'loading' ? <div className="overlay">Loading candles…</div> : null}
        {state === 'error' ? <div className="overlay error">Candles unavailable: {error}</div> : null}
        {state === 'live' && count === 0 ? <div className="overlay">No trades in this range yet</div> : null}
      </div>
    </section>
  );
}
