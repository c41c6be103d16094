/**
 * The DB processor: `events.fifo` → PostgreSQL, through an SQS event source with
 * partial batch responses; bad records go to the events DLQ on their last delivery.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { secretsReadBy } from './bundle-graph.js';
import { ExchangeFunction } from './constructs/exchange-function.js';
import type { StateStack } from './state-stack.js';

/** Props of {@link DbProcessorStack}. */
export interface DbProcessorStackProps extends StackProps {
  readonly state: StateStack;
}

/**
 * The function timeout: the events queue's visibility timeout is six times this, as
 * AWS advises for Lambda event sources (see `EVENTS_QUEUE`).
 */
const TIMEOUT_SECONDS = 10;

/** The writer of the time series. */
export class DbProcessorStack extends Stack {
  /** The `db-processor/handler` Lambda. */
  public readonly function: lambda.IFunction;

  constructor(scope: Construct, id: string, props: DbProcessorStackProps) {
    super(scope, id, props);
    const { state } = props;
    const { events } = state;
    const fn = new ExchangeFunction(this, 'db-processor', {
      platform: state.functionPlatform,
      handlerModule: 'db-processor/handler',
      timeout: Duration.seconds(TIMEOUT_SECONDS),
      environment: {
        EVENTS_DLQ_URL: events.deadLetterQueue.queueUrl,
        EVENTS_MAX_RECEIVE_COUNT: String(events.definition.deadLetterQueue.maxReceiveCount),
      },
      secrets: secretsReadBy('db-processor/handler', {
        DATABASE_URL: state.database.secretFor('dbProcessor'),
        REDIS_AUTH_TOKEN: state.redis.authToken,
      }),
      description: 'events.fifo → PostgreSQL',
    }).function;
    // What `SqsEventSource` makes, under the name of the flow it carries.
    fn.addEventSourceMapping('events-queue-to-db-processor', {
      eventSourceArn: events.queue.queueArn,
      batchSize: 10,
      reportBatchItemFailures: true,
    });
    events.queue.grantConsumeMessages(fn);
    events.deadLetterQueue.grantSendMessages(fn);
    this.function = fn;

    const alarm = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      evaluationPeriods: number,
      description: string,
    ) =>
      new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new actions.SnsAction(state.alarmTopic));
    alarm(
      'events-age-alarm',
      events.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      300,
      3,
      'The DB processor is 5 minutes behind the engine',
    );
    alarm(
      'events-dlq-alarm',
      events.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      1,
      1,
      'Engine events reached the dead-letter queue: the database misses them',
    );
  }
}
