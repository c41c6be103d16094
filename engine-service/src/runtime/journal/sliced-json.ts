/** How many array elements are serialised between two yields to the event loop. */
export const DEFAULT_SLICE = 5_000;

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };

/**
 * `JSON.stringify(value)` — the same string — built a slice at a time, yielding to
 * the event loop between slices, so serialising a large snapshot does not stall the
 * engine for the whole time it takes. Objects are walked key by key, arrays of
 * objects element by element, and other arrays (the snapshot's orders and accounts
 * tuples) `slice` elements at a time.
 *
 * The value must not change until the promise settles; an engine snapshot is fresh
 * plain data, so nothing else holds it.
 */
export async function stringifyInSlices(value: unknown, slice = DEFAULT_SLICE): Promise<string> {
  const parts: string[] = [];
  let budget = slice;
  const spend = async (n: number): Promise<void> => {
    budget -= n;
    if (budget > 0) return;
    budget = slice;
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const write = async (v: Json | undefined): Promise<void> => {
    if (v === null || typeof v !== 'object') {
      parts.push(JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      const items = v as readonly Json[];
      parts.push('[');
      if (items.some((item) => item !== null && typeof item === 'object' && !Array.isArray(item))) {
        for (let i = 0; i < items.length; i++) {
          if (i > 0) parts.push(',');
          await write(items[i]);
        }
      } else {
        for (let i = 0; i < items.length; i += slice) {
          if (i > 0) parts.push(',');
          const chunk = items.slice(i, i + slice);
          parts.push(JSON.stringify(chunk).slice(1, -1));
          await spend(chunk.length);
        }
      }
      parts.push(']');
      return;
    }
    parts.push('{');
    let first = true;
    for (const [key, item] of Object.entries(v)) {
      if (item === undefined) continue;
      parts.push(first ? '' : ',', JSON.stringify(key), ':');
      first = false;
      await write(item);
    }
    parts.push('}');
  };
  await write(value as Json);
  return parts.join('');
}
