/** The `/api/v1` and native stream shapes the UI reads (see `functions/src/http/v1/`). */
import type { FormMarket } from '../model/order-form';

export interface Market extends FormMarket {
  readonly binanceSymbol: string;
  readonly status: string;
  readonly minQuantity: string;
  readonly makerFee: string;
  readonly takerFee: string;
}

export interface Ticker {
  readonly symbol: string;
  readonly firstPrice: string;
  readonly high: string;
  readonly low: string;
  readonly lastPrice: string;
  readonly priceChange: string;
  readonly priceChangePercent: string;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly trades: string;
}

/** `ticker@{market}` data (the engine's read model). */
export interface StreamTicker {
  readonly market: string;
  readonly openPrice: string | null;
  readonly highPrice: string | null;
  readonly lowPrice: string | null;
  readonly lastPrice: string | null;
  readonly priceChange: string | null;
  readonly priceChangePercent: string | null;
  readonly volume: string;
  readonly quoteVolume: string;
  readonly count: number;
}

export interface Trade {
  readonly id: number;
  readonly price: string;
  readonly quantity: string;
  /** The taker's side. */
  readonly side: 'BUY' | 'SELL';
  readonly time: number;
}

/** `GET /api/v1/trades` entry. */
export interface RestTrade {
  readonly id: number;
  readonly isBuyerMaker: boolean;
  readonly price: string;
  readonly quantity: string;
  readonly timestamp: number;
}

/** `trades@{market}` data. */
export interface StreamTrade {
  readonly tradeId: number;
  readonly price: string;
  readonly quantity: string;
  readonly takerSide: 'BUY' | 'SELL';
  readonly time: number;
}

/** `GET /api/v1/klines` entry (native shape). */
export interface RestKline {
  readonly start: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

/** `kline@{market}_{interval}` data. */
export interface StreamKline {
  readonly openTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly closed: boolean;
}

export interface Order {
  readonly market: string;
  readonly orderId: number;
  readonly clientOrderId: string | null;
  readonly side: 'BUY' | 'SELL';
  readonly orderType:
    | 'LIMIT'
    | 'MARKET'
    | 'STOP_LOSS'
    | 'STOP_LOSS_LIMIT'
    | 'TAKE_PROFIT'
    | 'TAKE_PROFIT_LIMIT';
  readonly timeInForce: string;
  readonly postOnly: boolean;
  readonly price: string | null;
  /** A stop or take-profit order's trigger price; null for the others. */
  readonly stopPrice: string | null;
  /** Basis points; 0 when the order does not trail. */
  readonly trailingDelta: number;
  /** When it started working (ms); -1 while a stop order waits for its trigger. */
  readonly workingTime: number;
  /** Its OCO list; -1 when none. */
  readonly orderListId: number;
  readonly quantity: string | null;
  readonly quoteQuantity: string | null;
  readonly filledQuantity: string;
  readonly filledQuote: string;
  readonly status: string;
  readonly reason: string | null;
  readonly createdAt: number;
  readonly updatedAt?: number;
}

export interface Fill {
  readonly tradeId: number;
  readonly market: string;
  readonly orderId: number;
  readonly side: 'BUY' | 'SELL';
  readonly price: string;
  readonly quantity: string;
  readonly quoteQuantity: string;
  readonly fee: string;
  readonly feeAsset: string;
  readonly isMaker: boolean;
  readonly time: number;
}

export interface Balance {
  readonly asset: string;
  readonly available: string;
  readonly locked: string;
}

export interface ApiKeyInfo {
  readonly apiKey: string;
  readonly label: string | null;
  readonly permissions: readonly string[];
  readonly createdAt: string | number;
  readonly revokedAt: string | number | null;
}

export interface SignUp {
  readonly accountId: string;
  readonly apiKey: string;
  readonly secretKey: string;
  readonly label?: string;
}

export const INTERVALS = ['1m', '5m', '15m', '1h', '4h', '1d', '1w'] as const;
export type Interval = (typeof INTERVALS)[number];
export const INTERVAL_SECONDS: Readonly<Record<Interval, number>> = {
  '1m': 60,
  '5m': 300,
  '15m': 900,
  '1h': 3600,
  '4h': 14_400,
  '1d': 86_400,
  '1w': 604_800,
};
