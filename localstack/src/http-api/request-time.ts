/**
 * `requestContext.time` in API Gateway's format, `25/Nov/2026:01:02:03 +0000`. The
 * string only changes once a second, so the last one is kept and reused.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let cachedSecond = -1;
let cachedText = '';

const pad = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Formats an epoch time in milliseconds, in UTC, to the second. */
export function formatRequestTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedText = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
    cachedSecond = second;
  }
  return cachedText;
}
