import type { NextConfig } from 'next';

/**
 * A static export: the app is plain files (S3 + CloudFront in the cloud, a small static
 * server under `npm start`), and every byte of data comes from the public REST and
 * WebSocket APIs at run time, at the URLs in `/config.json`.
 */
const config: NextConfig = {
  output: 'export',
  trailingSlash: false,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@exchange/protocol'],
  // `@exchange/protocol` imports its own files NodeNext-style (`./decimal.js` for
  // `decimal.ts`). Webpack maps the suffix back; Turbopack has no per-package way to,
  // so the app builds with `next build --webpack` (`npm run build`).
  webpack: (webpackConfig: { resolve: { extensionAlias?: Record<string, string[]> } }) => {
    webpackConfig.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'] };
    return webpackConfig;
  },
};

export default config;
