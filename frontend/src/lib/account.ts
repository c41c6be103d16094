'use client';
/**
 * The signed-in account's live state: balances, open orders, fills (REST), refreshed on
 * every message of the private `account` stream (a signed `$connect`), and the ended
 * orders (`GET /api/v1/orders/history`, plus those the stream reported ending since,
 * which the history shows once the DB processor has written them).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError, signed, signedConnectQuery } from './api';
import { appConfig } from './config';
import type { Credentials } from './session';
import { StreamClient, type StreamStatus } from './stream';
import type { Balance, Fill, Order } from './types';

export interface AccountState {
  readonly balances: Balance[] | undefined;
  readonly openOrders: Order[] | undefined;
  readonly history: Order[];
  readonly fills: Fill[] | undefined;
  readonly error: string | undefined;
  readonly status: StreamStatus;
  /** Fetch everything again now. */
  refresh(): void;
  /** Records an order an answer returned (placed, filled or cancelled). */
  remember(order: Order): void;
}

const ENDED = new Set(['FILLED', 'CANCELED', 'EXPIRED', 'REJECTED']);

/** `market`: the trade screen's market; empty for every market (the account screen). */
export function useAccount(credentials: Credentials | undefined, market: string): AccountState {
  const [balances, setBalances] = useState<Balance[]>();
  const [openOrders, setOpenOrders] = useState<Order[]>();
  const [fills, setFills] = useState<Fill[]>();
  const [history, setHistory] = useState<Order[]>([]);
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<StreamStatus>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const refreshRef = useRef<() => void>(() => undefined);

  const remember = useCallback(
    (order: Order) => {
      if (credentials === undefined || !ENDED.has(order.status)) return;
      setHistory((old) => [order, ...old.filter((o) => o.orderId !== order.orderId)].slice(0, 200));
    },
    [credentials],
  );

  useEffect(() => {
    setBalances(undefined);
    setOpenOrders(undefined);
    setFills(undefined);
    setError(undefined);
    if (credentials === undefined) {
      setHistory([]);
      return;
    }
    let live = true;
    setHistory([]);
    const load = async () => {
      try {
        const [b, o, f, h] = await Promise.all([
          signed<{ balances: Balance[] }>(credentials, 'GET', 'balances'),
          signed<{ orders: Order[] }>(credentials, 'GET', 'orders', { market: market || undefined }),
          signed<{ fills: Fill[] }>(credentials, 'GET', 'fills', { market: market || undefined, limit: 100 }),
          signed<{ orders: Order[] }>(credentials, 'GET', 'orders/history', {
            market: market || undefined,
            limit: 200,
          }),
        ]);
        if (!live) return;
        const ended = h.orders.filter((order) => ENDED.has(order.status)).reverse();
        // Newest first; orders the stream reported ending that the database has not written yet stay.
        setHistory((old) =>
          [...old.filter((x) => !ended.some((e) => e.orderId === x.orderId)), ...ended]
            .sort((x, y) => y.orderId - x.orderId)
            .slice(0, 200),
        );
        setBalances(b.balances);
        setOpenOrders(o.orders);
        setFills([...f.fills].reverse());
        setError(undefined);
      } catch (e) {
        if (live) setError(describeError(e));
      }
    };
    const refresh = () => {
      if (timer.current !== undefined) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = undefined;
        void load();
      }, 50);
    };
    refreshRef.current = refresh;
    void load();
    const client = new StreamClient(async () => {
      const { wsUrl } = await appConfig();
      return `${wsUrl}${wsUrl.includes('?') ? '&' : '?'}${await signedConnectQuery(credentials)}`;
    });
    const stopStatus = client.onStatus((s) => {
      setStatus(s);
      if (s === 'open') refresh();
    });
    const stop = client.subscribe('account', {
      onData: (data) => {
        const update = data as { orders?: (Order & { accountId?: string })[] };
        for (const order of update.orders ?? []) remember(order);
        refresh();
      },
    });
    return () => {
      live = false;
      stop();
      stopStatus();
      client.close();
      if (timer.current !== undefined) clearTimeout(timer.current);
    };
  }, [credentials, market, remember]);

  return {
    balances,
    openOrders,
    history: market === '' ? history : history.filter((o) => o.market === market),
    fills,
    error,
    status,
    refresh: useCallback(() => refreshRef.current(), []),
    remember,
  };
}
