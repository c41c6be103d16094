/**
 * One synthesis of the whole app per test file (bundling every Lambda with esbuild
 * takes seconds): `synthesizedApp()` builds it on first use and hands the same stacks
 * and assembly to every assertion after.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { addExchangeStacks, type ExchangeStacks } from '../lib/exchange-app.js';
import { REPO_ROOT } from '../lib/paths.js';

/** The context of `cdk.json` (stage default, feature flags), as the CLI would pass it. */
const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

/** The stacks and the cloud assembly they were written to. */
export interface SynthesizedApp extends ExchangeStacks {
  readonly assembly: CloudAssembly;
}

let synthesized: SynthesizedApp | undefined;

/**
 * The dev stage, synthesized once with every Lambda bundled. With extra `context` a new
 * app is synthesized each call, without bundling (the variants test templates only).
 */
export function synthesizedApp(context: Record<string, string> = {}): SynthesizedApp {
  if (synthesized === undefined || Object.keys(context).length > 0) {
    const app = new App({
      context: {
        ...CDK_JSON_CONTEXT,
        stage: 'dev',
        // What the CLI turns on: construct paths and asset folders in the template metadata.
        'aws:cdk:enable-path-metadata': true,
        'aws:cdk:enable-asset-metadata': true,
        ...(Object.keys(context).length > 0 ? { 'aws:cdk:bundling-stacks': [] } : {}),
        ...context,
      },
    });
    const stacks = addExchangeStacks(app);
    const result = { ...stacks, assembly: app.synth() };
    if (Object.keys(context).length > 0) return result;
    synthesized = result;
  }
  return synthesized;
}
