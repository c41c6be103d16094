'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useCredentials, useStreamStatus } from '../lib/hooks';

const STATUS_TEXT = {
  idle: '',
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

/** The top bar: navigation, the live-data status, the signed-in account. */
export function Header() {
  const path = usePathname();
  const credentials = useCredentials();
  const status = useStreamStatus();
  const current = (prefix: string) =>
    path === prefix || (prefix !== '/' && path.startsWith(prefix)) ? 'page' : undefined;
  return (
    <header className="top">
      <Link href="/" className="brand">
        ◆ Exchange
      </Link>
      <nav>
        <Link href="/" aria-current={current('/')}>
          Markets
        </Link>
        <Link href="/trade/SOL_USDC" aria-current={current('/trade')}>
          Trade
        </Link>
        <Link href="/account" aria-current={current('/account')}>
          Account
        </Link>
      </nav>
      <div className="right">
        {status === 'idle' ? null : (
          <span data-testid="connection" data-status={status}>
            <span className={`dot ${status}`} />
            {STATUS_TEXT[status]}
          </span>
        )}
        {credentials === undefined ? (
          <Link href="/account">Sign up</Link>
        ) : (
          <span title={credentials.accountId}>Account {credentials.accountId.slice(0, 8)}</span>
        )}
      </div>
    </header>
  );
}
