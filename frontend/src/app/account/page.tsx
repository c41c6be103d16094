import { AccountScreen } from '../../components/AccountScreen';

export default function AccountPage() {
  return <AccountScreen />;
}
