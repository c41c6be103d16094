import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Header } from '../components/Header';
import './globals.css';

export const metadata: Metadata = {
  title: 'Exchange',
  description: 'Spot trading on the exchange: markets, order book, chart and orders.',
};

export const viewport: Viewport = { themeColor: '#0b0e14', width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { readonly children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Header />
        <main>{children}</main>
      </body>
    </html>
  );
}
