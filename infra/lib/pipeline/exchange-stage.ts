/**
 * One stage of the exchange as the pipeline deploys it: the very stacks of
 * `addExchangeStacks` (the app deploys the same), named `Exchange-<stage>-*`, with the
 * stage's context set before they are built.
 */
import { CfnOutput, Stage, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { addExchangeStacks, type ExchangeStacks } from '../exchange-app.js';

export interface ExchangeStageProps extends StageProps {
  /** `dev`, `prod`, …: the `stage` context key of `config.ts`. */
  readonly stage: string;
  /** More context for this stage only (`config.ts` keys: `alarmEmail`, `databaseSecretArn`, …). */
  readonly context?: Readonly<Record<string, string>>;
}

/** The output of the Operations stack named `id` (the URLs an operator opens). */
function operationsOutput(stacks: ExchangeStacks, id: string): CfnOutput {
  const output = stacks.operations.node.tryFindChild(id);
  if (!(output instanceof CfnOutput)) throw new Error(`the Operations stack has no output ${id}`);
  return output;
}

export class ExchangeStage extends Stage {
  /** The stacks of this stage. */
  public readonly stacks: ExchangeStacks;
  /** The REST API's base URL, for the steps that run after the deployment. */
  public readonly httpApiUrl: CfnOutput;
  /** The WebSocket API's URL. */
  public readonly webSocketUrl: CfnOutput;

  constructor(scope: Construct, id: string, props: ExchangeStageProps) {
    super(scope, id, props);
    this.node.setContext('stage', props.stage);
    for (const [key, value] of Object.entries(props.context ?? {})) this.node.setContext(key, value);
    this.stacks = addExchangeStacks(this);
    this.httpApiUrl = operationsOutput(this.stacks, 'HttpApiUrl');
    this.webSocketUrl = operationsOutput(this.stacks, 'WebSocketUrl');
  }
}
