/**
 * The CDK app (`cdk.json`: `npx tsx infra/bin/app.ts`). By default the stacks of one
 * stage (`-c stage=prod` picks it; infra/README.md lists every context key). With
 * `-c pipelineRepository=owner/name` the app is the deploy pipeline instead, which
 * deploys those same stacks to dev, then prod (docs/deploy.md).
 */
import { App } from 'aws-cdk-lib';
import { addExchangeStacks } from '../lib/exchange-app.js';
import { pipelineConfig } from '../lib/pipeline/pipeline-config.js';
import { PipelineStack } from '../lib/pipeline/pipeline-stack.js';

const app = new App();
const pipeline = pipelineConfig(app.node);
if (pipeline === undefined) addExchangeStacks(app);
else
  new PipelineStack(app, 'Exchange-Pipeline', {
    config: pipeline,
    description: 'Exchange: the deploy pipeline (dev, smoke test, approval, prod)',
    tags: { project: 'exchange' },
  });
app.synth();
