/**
 * Operations: one CloudWatch dashboard (orders/s, engine lag, queue depths, Lambda
 * errors, WebSocket connections), the API-wide alarms, and every URL as an output.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct } from 'constructs';
import type { ApiStack } from './api-stack.js';
import type { DbProcessorStack } from './db-processor-stack.js';
import type { EngineStack } from './engine-stack.js';
import type { FrontendStack } from './frontend-stack.js';
import type { StateStack } from './state-stack.js';
import type { WebSocketStack } from './websocket-stack.js';

/** Props of {@link OperationsStack}. */
export interface OperationsStackProps extends StackProps {
  readonly state: StateStack;
  readonly api: ApiStack;
  readonly webSocket: WebSocketStack;
  readonly engine: EngineStack;
  readonly dbProcessor: DbProcessorStack;
  readonly frontend: FrontendStack;
}

const MINUTE = Duration.minutes(1);

/** The dashboard and the alarms of the whole stage. */
export class OperationsStack extends Stack {
  /** The stage's CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    const { state, api, webSocket, engine, dbProcessor, frontend } = props;
    const { orders, events } = state;
    const functions = [...api.functions.values(), ...webSocket.functions.values(), dbProcessor.function];

    const ordersPerSecond = new cloudwatch.MathExpression({
      expression: 'sent / PERIOD(sent)',
      usingMetrics: { sent: orders.queue.metricNumberOfMessagesSent({ period: MINUTE, statistic: 'Sum' }) },
      label: 'commands/s into orders.fifo',
      period: MINUTE,
    });
    const matchedPerSecond = new cloudwatch.MathExpression({
      expression: 'deleted / PERIOD(deleted)',
      usingMetrics: {
        deleted: orders.queue.metricNumberOfMessagesDeleted({ period: MINUTE, statistic: 'Sum' }),
      },
      label: 'commands/s applied by the engine',
      period: MINUTE,
    });
    const lambdaErrors = new cloudwatch.MathExpression({
      expression: functions.map((_, i) => `e${i}`).join(' + ') || '0',
      usingMetrics: Object.fromEntries(
        functions.map((fn, i) => [`e${i}`, fn.metricErrors({ period: MINUTE, statistic: 'Sum' })]),
      ),
      label: 'Lambda errors (all functions)',
      period: MINUTE,
    });
    const wsApi = { ApiId: webSocket.webSocketApi.apiId, Stage: webSocket.webSocketStage.stageName };
    const wsMetric = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: wsApi,
        period: MINUTE,
        statistic: 'Sum',
        label,
      });
    const httpMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: api.httpApi.apiId, Stage: '$default' },
        period: MINUTE,
        statistic,
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'dashboard', {
      dashboardName: `${state.config.prefix}-exchange`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Orders per second',
        left: [ordersPerSecond, matchedPerSecond],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Engine lag (age of the oldest command, s)',
        left: [orders.queue.metricApproximateAgeOfOldestMessage({ period: MINUTE, statistic: 'Maximum' })],
        right: [events.queue.metricApproximateAgeOfOldestMessage({ period: MINUTE, statistic: 'Maximum' })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Queue depth',
        left: [orders, events].map((q) =>
          q.queue.metricApproximateNumberOfMessagesVisible({ period: MINUTE, statistic: 'Maximum' }),
        ),
        right: [orders, events].map((q) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: MINUTE,
            statistic: 'Maximum',
          }),
        ),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        left: [lambdaErrors],
        right: [
          dbProcessor.function.metricErrors({ period: MINUTE, statistic: 'Sum', label: 'db-processor' }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'WebSocket connections',
        left: [wsMetric('ConnectCount', 'connects'), wsMetric('MessageCount', 'messages')],
        right: [wsMetric('ClientError', 'client errors'), wsMetric('ExecutionError', 'execution errors')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'REST: requests, 5xx, latency p99',
        left: [httpMetric('Count', 'Sum'), httpMetric('5xx', 'Sum'), httpMetric('4xx', 'Sum')],
        right: [httpMetric('Latency', 'p99')],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Engine task CPU / memory (%)',
        left: [engine.engine.metricCpuUtilization({ period: MINUTE })],
        right: [engine.engine.metricMemoryUtilization({ period: MINUTE })],
        width: 12,
      }),
    );

    const notify = new actions.SnsAction(state.alarmTopic);
    // An alarm's math takes at most 10 metrics: the REST functions are watched through
    // the API's 5xx (a failed handler is a 5xx), the others one by one.
    const errorAlarm = (name: string, metric: cloudwatch.IMetric, description: string) =>
      new cloudwatch.Alarm(this, name, {
        metric,
        threshold: 1,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(notify);
    errorAlarm(
      'db-processor-errors-alarm',
      dbProcessor.function.metricErrors({ period: MINUTE, statistic: 'Sum' }),
      'The DB processor fails (3 minutes in a row)',
    );
    errorAlarm(
      'ws-errors-alarm',
      wsMetric('IntegrationError', 'integration errors'),
      'WebSocket handlers fail (3 minutes in a row)',
    );
    new cloudwatch.Alarm(this, 'http-5xx-alarm', {
      metric: httpMetric('5xx', 'Sum'),
      threshold: 5,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The REST API answers 5xx',
    }).addAlarmAction(notify);

    new CfnOutput(this, 'UiUrl', { value: frontend.origin, description: 'The trading UI' });
    new CfnOutput(this, 'HttpApiUrl', {
      value: api.httpUrl,
      description: 'REST base URL (/api/v1, /api/v3)',
    });
    new CfnOutput(this, 'WebSocketUrl', { value: webSocket.webSocketUrl, description: 'WebSocket streams' });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${state.config.prefix}-exchange`,
      description: 'CloudWatch dashboard',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: state.alarmTopic.topicArn,
      description: 'Subscribe to alarms',
    });
  }
}
