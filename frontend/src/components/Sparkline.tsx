/** A small line of closing prices. Display only: the SVG path is the one place prices become floats. */
export function Sparkline({ closes, trend }: { readonly closes: readonly string[]; readonly trend: string }) {
  const width = 120;
  const height = 32;
  if (closes.length < 2)
    return <svg width={width} height={height} aria-label="no price history" role="img" />;
  const values = closes.map(Number);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const points = values
    .map(
      (v, i) =>
        `${((i / (values.length - 1)) * width).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`,
    )
    .join(' ');
  const colour = trend === 'down' ? 'var(--down)' : trend === 'up' ? 'var(--up)' : 'var(--muted)';
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="24 h price">
      <polyline points={points} fill="none" stroke={colour} strokeWidth="1.5" />
    </svg>
  );
}
