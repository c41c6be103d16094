import { MarketsScreen } from '../components/MarketsScreen';

export default function MarketsPage() {
  return <MarketsScreen />;
}
