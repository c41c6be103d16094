/** Display formatting: exact decimal strings in a market's scale, never via floating point. */
import { toScale, trimZeros, withThousands } from '../model/decimal';
import type { Order } from './types';

/** A decimal string at `decimals` places with thousands separators. */
export function fmt(text: string | null | undefined, decimals: number): string {
  if (text === null || text === undefined || text === '') return '—';
  return withThousands(toScale(text, decimals));
}

/** A decimal string without trailing zeros, with thousands separators. */
export function fmtTrim(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return '—';
  return withThousands(trimZeros(text));
}

/** A signed percentage string (`"-1.250"` → `"-1.25%"`, `"2.5"` → `"+2.50%"`). */
export function fmtPercent(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return '—';
  const scaled = toScale(text, 2);
  return `${scaled.startsWith('-') || /^0\.00$/.test(scaled) ? '' : '+'}${scaled}%`;
}

/** `up`, `down` or `flat` for a signed decimal string. */
export function direction(text: string | null | undefined): 'up' | 'down' | 'flat' {
  if (text === null || text === undefined || !/[1-9]/.test(text)) return 'flat';
  return text.startsWith('-') ? 'down' : 'up';
}

export function fmtTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour12: false });
}

export function fmtDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleDateString(undefined, { month: 'short', day: '2-digit' })} ${d.toLocaleTimeString(undefined, { hour12: false })}`;
}

/** An order's type for a table: `LIMIT (post-only)`, `STOP_LOSS_LIMIT`, … */
export function fmtOrderType(order: Pick<Order, 'orderType' | 'postOnly'>): string {
  return order.postOnly ? `${order.orderType} (post-only)` : order.orderType;
}

/** A stop order's trigger: its stop price, and/or its trailing delta; `—` for other orders. */
export function fmtStop(order: Pick<Order, 'stopPrice' | 'trailingDelta'>, decimals: number): string {
  const parts: string[] = [];
  if (order.stopPrice !== null && order.stopPrice !== undefined) parts.push(fmt(order.stopPrice, decimals));
  if (order.trailingDelta > 0) parts.push(`trailing ${order.trailingDelta} bps`);
  return parts.length === 0 ? '—' : parts.join(', ');
}

/** An open order's state: `waiting` while a stop has not fired, else its status. */
export function fmtOpenStatus(order: Pick<Order, 'status' | 'workingTime'>): string {
  return order.workingTime === -1 ? 'waiting' : order.status;
}
