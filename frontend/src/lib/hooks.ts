'use client';
/** Shared data hooks: markets, credentials, the public stream connection and its status. */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { publicGet } from './api';
import { appConfig } from './config';
import { CREDENTIALS_KEY, type Credentials, loadCredentials, onCredentialsChange } from './session';
import { publicStreams, type StreamClient, type StreamStatus } from './stream';
import type { Market } from './types';

export type Loadable<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly error: string }
  | { readonly state: 'ready'; readonly value: T };

let marketsPromise: Promise<Market[]> | undefined;

/** `GET /api/v1/markets`, fetched once per page load. */
export function fetchMarkets(): Promise<Market[]> {
  marketsPromise ??= publicGet<Market[]>('markets').catch((error: unknown) => {
    marketsPromise = undefined;
    throw error;
  });
  return marketsPromise;
}

export function useMarkets(): Loadable<Market[]> {
  const [markets, setMarkets] = useState<Loadable<Market[]>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    fetchMarkets().then(
      (value) => live && setMarkets({ state: 'ready', value }),
      (error: unknown) => live && setMarkets({ state: 'error', error: String(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return markets;
}

/** The stored credentials; undefined when signed out (and during pre-rendering). */
export function useCredentials(): Credentials | undefined {
  const raw = useSyncExternalStore(
    onCredentialsChange,
    () => window.localStorage.getItem(CREDENTIALS_KEY),
    () => null,
  );
  return useMemo(() => (raw === null ? undefined : loadCredentials()), [raw]);
}

/** The public stream connection of this page. */
export function streams(): StreamClient {
  return publicStreams(async () => (await appConfig()).wsUrl);
}

/** The public connection's status ('idle' until something subscribes, and while pre-rendering). */
export function useStreamStatus(): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>('idle');
  useEffect(() => {
    const client = streams();
    setStatus(client.status);
    return client.onStatus(setStatus);
  }, []);
  return status;
}
