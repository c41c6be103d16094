/**
 * Command-line options of the benchmarks: `node:util`'s `parseArgs` reads them as
 * strings; this turns one into a checked integer, with the same error everywhere.
 */

/**
 * The option `--name` as an integer of at least `min`.
 * @throws Error naming the option when it is not one
 * @example
 * const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
 * const runs = integerOption(values, 'runs', 1);
 */
export function integerOption(values: Readonly<Record<string, unknown>>, name: string, min: number): number {
  const text = String(values[name]);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min)
    throw new Error(`--${name} must be an integer ≥ ${min}, got ${text}`);
  return n;
}
