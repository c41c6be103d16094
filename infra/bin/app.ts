/**
 * The CDK app (`cdk.json`: `npx tsx infra/bin/app.ts`). `-c stage=prod` picks the
 * stage; see infra/README.md for every context key.
 */
import { App } from 'aws-cdk-lib';
import { addExchangeStacks } from '../lib/exchange-app.js';

const app = new App();
addExchangeStacks(app);
app.synth();
