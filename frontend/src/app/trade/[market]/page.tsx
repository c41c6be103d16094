import { MARKET_CONFIG } from '@exchange/protocol';
import { TradeScreen } from '../../../components/TradeScreen';

/**
 * A static export pre-renders one page per market known at build time; the page itself
 * reads the live market list from `GET /api/v1/markets`.
 */
export function generateStaticParams(): { market: string }[] {
  return MARKET_CONFIG.map((m) => ({ market: m.symbol }));
}

export const dynamicParams = false;

export default async function TradePage({ params }: { readonly params: Promise<{ market: string }> }) {
  const { market } = await params;
  return <TradeScreen symbol={market} />;
}
