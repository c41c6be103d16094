'use client';
/**
 * The order book: `depth@{market}` diffs buffered from the moment of subscribing, a
 * `GET /api/v1/depth` snapshot, then every diff applied in order ({@link OrderBook});
 * a gap or a reconnect fetches a new snapshot. Levels are grouped by the chosen step,
 * with depth bars and the spread.
 */
import { useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { describeError, publicGet } from '../lib/api';
import { fmt } from '../lib/format';
import { streams } from '../lib/hooks';
import type { Market } from '../lib/types';
import {
  type BookLevel,
  type DepthDiff,
  type DepthSnapshot,
  groupingsOf,
  OrderBook,
} from '../model/order-book';

const ROWS = 14;

/** A row's depth bar: its cumulative total's share of the deepest side, drawn from the right. */
function depthBar(depth: number, colour: string) {
  const width = `${(depth * 100).toFixed(1)}%`;
  return { background: `linear-gradient(to left, ${colour} ${width}, transparent ${width})` };
}

type BookState = 'loading' | 'live' | 'resyncing' | 'error';

/** One side's rows, best level nearest the spread; a click picks the level's price. */
function BookSide({
  side,
  levels,
  market,
  onPick,
}: {
  readonly side: 'ask' | 'bid';
  readonly levels: readonly BookLevel[];
  readonly market: Market;
  readonly onPick: (price: string) => void;
}) {
  const [tone, colour] = side === 'ask' ? ['down', 'var(--down-bg)'] : ['up', 'var(--up-bg)'];
  return (
    <div className={`side ${side}s`}>
      <table className="rows">
        <tbody>
          {levels.map((l) => (
            <tr
              key={l.price}
              className={`level ${side}`}
              onClick={() => onPick(l.price)}
              data-price={l.price}
              style={depthBar(l.depth, colour)}
            >
              <td className={tone}>{fmt(l.price, market.pricePrecision)}</td>
              <td className="num">{fmt(l.quantity, market.quantityPrecision)}</td>
              <td className="num">{fmt(l.total, market.quantityPrecision)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OrderBookPanel({
  market,
  onPick,
  lastPrice,
}: {
  readonly market: Market;
  readonly lastPrice: string | undefined;
  readonly onPick: (price: string) => void;
}) {
  const book = useMemo(() => new OrderBook(market), [market]);
  const groupings = useMemo(() => groupingsOf(market.tickSize), [market]);
  const [grouping, setGrouping] = useState(groupings[0] as string);
  const [state, setState] = useState<BookState>('loading');
  const [error, setError] = useState<string>();
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  const frame = useRef(0);

  useEffect(() => {
    let live = true;
    let fetching = false;
    let subscribed = false;
    const render = () => {
      if (frame.current !== 0) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        if (live) bump();
      });
    };
    const resync = () => {
      if (fetching || !live) return;
      fetching = true;
      publicGet<DepthSnapshot>('depth', { symbol: market.symbol, limit: 100 }).then(
        (snapshot) => {
          fetching = false;
          if (!live) return;
          if (book.receiveSnapshot(snapshot) === 'gap') {
            setState('resyncing');
            setTimeout(resync, 100);
            return;
          }
          setError(undefined);
          if (subscribed) setState('live');
          render();
        },
        (e: unknown) => {
          fetching = false;
          if (!live) return;
          setState('error');
          setError(describeError(e));
          setTimeout(resync, 2000);
        },
      );
    };
    const client = streams();
    const stop = client.subscribe(`depth@${market.symbol}`, {
      onData: (data) => {
        const outcome = book.receiveDiff(data as DepthDiff);
        if (outcome === 'applied') render();
        else if (outcome === 'gap') {
          setState('resyncing');
          resync();
        }
      },
      onSubscribed: () => {
        subscribed = true;
        if (book.isSynced) setState('live');
      },
    });
    // A new connection may have missed diffs: start over from a snapshot.
    const stopStatus = client.onStatus((status) => {
      if (status === 'reconnecting') {
        subscribed = false;
        book.reset();
        setState('resyncing');
      }
      if (status === 'open' && !book.isSynced) resync();
    });
    resync();
    return () => {
      live = false;
      stop();
      stopStatus();
      if (frame.current !== 0) cancelAnimationFrame(frame.current);
      frame.current = 0;
    };
  }, [book, market]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` marks a change inside the mutable book
  const view = useMemo(() => {
    // One scale for both sides, so equal depth draws equal bars.
    const bidLots = book.depthLots('bids', grouping, ROWS);
    const askLots = book.depthLots('asks', grouping, ROWS);
    let scale = bidLots;
    if (askLots > scale) scale = askLots;
    return {
      bids: book.levels('bids', grouping, ROWS, scale),
      asks: book.levels('asks', grouping, ROWS, scale).reverse(),
      spread: book.spread(),
      best: book.best(),
    };
  }, [book, grouping, version]);

  const pd = market.pricePrecision;
  const empty = view.bids.length === 0 && view.asks.length === 0;
  return (
    <section
      className="panel book"
      data-testid="order-book"
      data-state={state}
      data-best-bid={view.best.bid ?? ''}
      data-best-ask={view.best.ask ?? ''}
      aria-label="Order book"
    >
      <div className="panel-head">
        <span>Order book</span>
        <span className="spacer" />
        <label className="muted">
          Group{' '}
          <select value={grouping} onChange={(e) => setGrouping(e.target.value)} aria-label="Grouping">
            {groupings.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="panel-body">
        {state === 'error' ? <div className="notice bad">Book unavailable: {error}. Retrying…</div> : null}
        {state === 'resyncing' ? <div className="notice warn">Re-synchronising the book…</div> : null}
        {state === 'loading' ? <div className="skeleton">Loading the book…</div> : null}
        <table className="rows">
          <thead>
            <tr>
              <th>Price ({market.quote})</th>
              <th className="num">Amount ({market.base})</th>
              <th className="num">Total</th>
            </tr>
          </thead>
        </table>
        <BookSide side="ask" levels={view.asks} market={market} onPick={onPick} />
        <div className="spread" data-testid="spread">
          <span className="mid" title="Last price">
            {fmt(lastPrice, pd)}
          </span>
          <span className="muted">
            Spread{' '}
            {view.spread === undefined ? '—' : `${fmt(view.spread.value, pd)} (${view.spread.percent}%)`}
          </span>
        </div>
        <BookSide side="bid" levels={view.bids} market={market} onPick={onPick} />
        {state === 'live' && empty ? <div className="skeleton">The book is empty</div> : null}
      </div>
    </section>
  );
}
