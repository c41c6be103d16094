/**
 * The SQS → Lambda event source: unit tests of the batch-failure rules, then
 * integration tests against a real fauxqs through the real `@aws-sdk/client-sqs`.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FifoQueueDefinition } from '@exchange/protocol';
import { SqsJsonClient } from '@exchange/sqs-client';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import {
  failedRecordIds,
  InvalidBatchResponseError,
  SqsEventSource,
  type SqsEventSourceOptions,
} from '../src/event-source/index.js';
import { LambdaContext } from '../src/lambda/lambda-context.js';
import { createSqsClient, type LocalSqs, startLocalSqs } from '../src/sqs/index.js';

function record(messageId: string, group?: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: messageId,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: '000000000000',
      ApproximateFirstReceiveTimestamp: '0',
      ...(group === undefined ? {} : { MessageGroupId: group }),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q.fifo',
    awsRegion: 'us-east-1',
  };
}

function failures(...ids: string[]): SQSBatchResponse {
  return { batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) };
}

describe('failedRecordIds (unit)', () => {
  // Several records of one group in one batch: AWS does this, fauxqs 1.9.2 never does.
  const batch = [
    record('a1', 'a'),
    record('b1', 'b'),
    record('a2', 'a'),
    record('b2', 'b'),
    record('a3', 'a'),
  ];

  it('counts every record as done when the handler reports nothing', () => {
    expect(failedRecordIds(batch, undefined, true)).toEqual(new Set());
    expect(failedRecordIds(batch, { batchItemFailures: [] }, true)).toEqual(new Set());
  });

  it('on a FIFO queue fails every later record of a failed record’s group, and no other', () => {
    expect(failedRecordIds(batch, failures('a2'), true)).toEqual(new Set(['a2', 'a3']));
  });

  it('on a standard queue fails only the reported records', () => {
    expect(failedRecordIds(batch, failures('a2'), false)).toEqual(new Set(['a2']));
  });

  it.each([['not-in-batch'], ['']])('rejects a response naming %j', (id) => {
    expect(() => failedRecordIds(batch, failures(id), true)).toThrow(InvalidBatchResponseError);
  });
});

describe('LambdaContext (unit)', () => {
  it('names the function as Lambda would and counts down its time', () => {
    const context = LambdaContext.fresh('db-processor', 10_000, 'eu-west-1', '000000000000');

    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:eu-west-1:000000000000:function:db-processor');
    expect(context.logGroupName).toBe('/aws/lambda/db-processor');
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(10_000);
  });
});

/** Each test has its own queue; one-second visibility makes redelivery quick. */
function testQueue(name: string): FifoQueueDefinition {
  return {
    name: `${name}.fifo`,
    visibilityTimeoutSeconds: 1,
    messageRetentionSeconds: 60,
    receiveWaitTimeSeconds: 0,
    deduplicationScope: 'queue',
    fifoThroughputLimit: 'perQueue',
    deadLetterQueue: { name: `${name}-dlq.fifo`, maxReceiveCount: 5, messageRetentionSeconds: 120 },
  };
}

/** A queue with the visibility timeout of a deployed one, for the poller's shorter hold. */
function heldQueue(name: string): FifoQueueDefinition {
  return { ...testQueue(name), visibilityTimeoutSeconds: 30 };
}

const QUEUES = [
  ...['shape', 'order', 'partial', 'thrown', 'stop', 'lanes', 'lanes-partial', 'lean'].map(testQueue),
  ...['extended', 'killed', 'refused'].map(heldQueue),
];

function append(lists: Map<string, string[]>, key: string, value: string): void {
  lists.set(key, [...(lists.get(key) ?? []), value]);
}

/** A promise with its resolver, for "the handler got this far". */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

describe('SqsEventSource (integration, fauxqs)', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  const sources: SqsEventSource[] = [];

  beforeAll(async () => {
    sqs = await startLocalSqs({ port: 0, queues: QUEUES });
    client = createSqsClient(sqs);
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((source) => source.stop()));
  });

  afterAll(async () => {
    client.destroy();
    await sqs.close();
  });

  function urlOf(name: string): string {
    const url = sqs.queueUrls[`${name}.fifo`];
    if (url === undefined) throw new Error(`no queue ${name}`);
    return url;
  }

  /** Sends `bodies` in one batch; each body's first letter is its message group. */
  async function sendAll(queue: string, bodies: readonly string[]): Promise<void> {
    const { Failed } = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: urlOf(queue),
        Entries: bodies.map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          MessageGroupId: body[0],
          MessageDeduplicationId: body,
        })),
      }),
    );
    expect(Failed ?? []).toEqual([]);
  }

  function poll(
    queue: string,
    handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>,
    onError: (error: unknown) => void = () => undefined,
    options: Pick<SqsEventSourceOptions, 'maxConcurrency' | 'batchClient' | 'batchSize'> = {},
  ): SqsEventSource {
    const source = new SqsEventSource({ client, queueUrl: urlOf(queue), handler, onError, ...options });
    sources.push(source);
    source.start();
    return source;
  }

  async function depth(queue: string): Promise<string[]> {
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: urlOf(queue),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return [
      Attributes?.ApproximateNumberOfMessages ?? '?',
      Attributes?.ApproximateNumberOfMessagesNotVisible ?? '?',
    ];
  }

  /** Bodies by message group (the body's first letter), in the order given. */
  function byGroup(bodies: readonly string[]): Record<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const body of bodies) append(groups, body[0] as string, body);
    return Object.fromEntries(groups);
  }

  it('hands the handler a Lambda SQSEvent and a Context', async () => {
    // Prepare
    const received = signal<[SQSEvent, Context]>();
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: urlOf('shape'),
        MessageBody: '{"seq":1}',
        MessageGroupId: 'SOL_USDC',
        MessageDeduplicationId: 'event-1',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'trade' } },
      }),
    );

    // Act
    poll('shape', async (event, context) => {
      received.resolve([event, context]);
      return undefined;
    });
    const [event, context] = await received.promise;

    // Assess
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({
      messageId: sent.MessageId,
      body: '{"seq":1}',
      md5OfBody: createHash('md5').update('{"seq":1}').digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:shape.fifo',
      awsRegion: 'us-east-1',
      attributes: {
        ApproximateReceiveCount: '1',
        MessageGroupId: 'SOL_USDC',
        MessageDeduplicationId: 'event-1',
        SequenceNumber: sent.SequenceNumber,
      },
      messageAttributes: {
        kind: { dataType: 'String', stringValue: 'trade', stringListValues: [], binaryListValues: [] },
      },
    });
    expect(Number(event.Records[0]?.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(context.functionName).toBe('shape');
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:shape');
  });

  it('delivers every message once, each group in order, and deletes them', async () => {
    // Prepare
    const bodies = ['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'c2', 'b3', 'a4', 'c3'];
    await sendAll('order', bodies);
    const handled: string[] = [];
    const allHandled = signal();

    // Act
    const source = poll('order', async (event) => {
      handled.push(...event.Records.map((r) => r.body));
      if (handled.length === bodies.length) allHandled.resolve();
      return undefined;
    });
    await allHandled.promise;
    await source.stop();

    // Assess
    expect(handled.toSorted()).toEqual(bodies.toSorted());
    expect(byGroup(handled)).toEqual(byGroup(bodies));
    expect(await depth('order')).toEqual(['0', '0']);
  });

  it('redelivers only the reported failures, keeping the failed group in order', async () => {
    // Prepare: b2 fails on its first delivery.
    const bodies = ['a1', 'b1', 'a2', 'b2', 'a3', 'b3'];
    await sendAll('partial', bodies);
    const done: string[] = [];
    const deliveries = new Map<string, string[]>();
    const allDone = signal();

    // Act
    const source = poll('partial', async (event) => {
      // Like a FIFO batch processor: after a failure, skip the rest of that group.
      const failed: string[] = [];
      const failedGroups = new Set<string | undefined>();
      for (const r of event.Records) {
        append(deliveries, r.body, r.attributes.ApproximateReceiveCount);
        const group = r.attributes.MessageGroupId;
        if (failedGroups.has(group) || (r.body === 'b2' && r.attributes.ApproximateReceiveCount === '1')) {
          failed.push(r.messageId);
          failedGroups.add(group);
        } else {
          done.push(r.body);
        }
      }
      if (done.length === bodies.length) allDone.resolve();
      return failures(...failed);
    });
    await allDone.promise;
    await source.stop();

    // Assess
    expect(byGroup(done)).toEqual(byGroup(bodies));
    expect(deliveries.get('b2')).toEqual(['1', '2']);
    // b3 comes twice when one receive returns it with b2, as AWS (and the local SQS) may.
    for (const body of ['a1', 'a2', 'a3', 'b1']) expect(deliveries.get(body)).toEqual(['1']);
    expect(await depth('partial')).toEqual(['0', '0']);
  });

  it('redelivers the whole batch when the handler throws, and reports the error', async () => {
    // Prepare
    const bodies = ['a1', 'b1', 'c1'];
    await sendAll('thrown', bodies);
    const errors: unknown[] = [];
    const batches: string[][] = [];
    const redelivered = signal();
    const boom = new Error('database unavailable');

    // Act
    const source = poll(
      'thrown',
      async (event) => {
        batches.push(event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
        if (batches.length === 1) throw boom;
        if (batches.flat().length === 2 * bodies.length) redelivered.resolve();
        return undefined;
      },
      (error) => errors.push(error),
    );
    await redelivered.promise;
    await source.stop();

    // Assess
    expect(batches[0]?.toSorted()).toEqual(['a1#1', 'b1#1', 'c1#1']);
    expect(batches.slice(1).flat().toSorted()).toEqual(['a1#2', 'b1#2', 'c1#2']);
    expect(errors).toEqual([boom]);
    expect(await depth('thrown')).toEqual(['0', '0']);
  });

  it('with a hold, keeps a batch from others while its handler runs past the hold', async () => {
    await sendAll('extended', ['a1']);
    const entered = signal();
    const release = signal();
    const holding = new SqsEventSource({
      client,
      queueUrl: urlOf('extended'),
      holdSeconds: 1,
      handler: async () => {
        entered.resolve();
        await release.promise;
        return undefined;
      },
    });
    sources.push(holding);
    holding.start();
    await entered.promise;

    // Three holds long, the batch stays in flight and out of everyone else's reach.
    const others: string[] = [];
    const other = poll('extended', async (event) => {
      others.push(...event.Records.map((r) => r.body));
      return undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    release.resolve();
    await holding.stop();
    await other.stop();

    expect(others).toEqual([]);
    expect(await depth('extended')).toEqual(['0', '0']);
  });

  it('with a hold, lets a killed poller’s batch come back long before the queue’s timeout', async () => {
    await sendAll('killed', ['a1']);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, '..', 'src', 'event-source', 'event-source-process.ts'),
        urlOf('killed'),
        join(__dirname, 'fixtures', 'hanging-handler.ts'),
      ],
      {
        env: {
          ...process.env,
          SQS_ENDPOINT: sqs.endpoint,
          AWS_REGION: sqs.region,
          EVENT_SOURCE_HOLD_SECONDS: '2',
          // One lane: the killed process's other lanes leave long polls behind that could
          // take the message once more before this test's poller does.
          EVENT_SOURCE_MAX_CONCURRENCY: '1',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const handling = new Promise<void>((resolve) =>
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line === 'handling') resolve();
      }),
    );
    await handling;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const received = signal<string>();
    poll('killed', async (event) => {
      received.resolve(event.Records.map((r) => r.attributes.ApproximateReceiveCount).join());
      return undefined;
    });
    const giveUp = new Promise<string>((resolve) =>
      setTimeout(() => resolve('not within half the timeout'), 15_000),
    );

    expect(await Promise.race([received.promise, giveUp])).toBe('2');
  });

  it('with a hold, keeps a failed record for the queue’s full timeout, as AWS does', async () => {
    await sendAll('refused', ['a1']);
    const done = signal();
    const source = new SqsEventSource({
      client,
      queueUrl: urlOf('refused'),
      holdSeconds: 1,
      handler: async (event) => {
        done.resolve();
        return failures(...event.Records.map((r) => r.messageId));
      },
    });
    sources.push(source);
    source.start();
    await done.promise;
    await source.stop();
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    expect(await depth('refused')).toEqual(['0', '1']);
  });

  it('with lanes, handles message groups at once, each group in order', async () => {
    // Prepare: three groups of three; a receive takes one group's messages before another's.
    const bodies = ['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'b3', 'c3'];
    await sendAll('lanes', bodies);
    const handled: string[] = [];
    const allHandled = signal();
    const batchGroups: string[][] = [];
    let inHand = 0;
    let mostInHand = 0;
    const threeInHand = signal();
    const letGo = signal();

    // Act: each batch waits until three are in hand, so lanes that took turns would
    // stall (until the give-up below, and then fail).
    const source = poll(
      'lanes',
      async (event) => {
        batchGroups.push([...new Set(event.Records.map((r) => r.attributes.MessageGroupId as string))]);
        inHand += 1;
        mostInHand = Math.max(mostInHand, inHand);
        if (inHand === 3) threeInHand.resolve();
        await Promise.race([threeInHand.promise, letGo.promise]);
        inHand -= 1;
        handled.push(...event.Records.map((r) => r.body));
        if (handled.length === bodies.length) allHandled.resolve();
        return undefined;
      },
      () => undefined,
      { maxConcurrency: 3, batchSize: 3 },
    );
    const giveUp = setTimeout(() => letGo.resolve(), 10_000);
    await allHandled.promise;
    clearTimeout(giveUp);
    await source.stop();

    // Assess
    expect(mostInHand).toBe(3);
    expect(batchGroups.map((groups) => groups.join()).toSorted()).toEqual(['a', 'b', 'c']);
    expect(byGroup(handled)).toEqual(byGroup(bodies));
    expect(await depth('lanes')).toEqual(['0', '0']);
  });

  it('with lanes, a failed record comes back with the rest of its group, in order, while others go on', async () => {
    // Prepare: a2 fails on its first delivery; the handler reports only a2.
    const bodies = ['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4'];
    await sendAll('lanes-partial', bodies);
    const done: string[] = [];
    const allDone = signal();

    // Act
    const source = poll(
      'lanes-partial',
      async (event) => {
        const failed = event.Records.filter(
          (r) => r.body === 'a2' && r.attributes.ApproximateReceiveCount === '1',
        );
        const failedIds = new Set(failed.map((r) => r.messageId));
        // Records after a failure of their group are done here, yet must come back.
        done.push(...event.Records.filter((r) => !failedIds.has(r.messageId)).map((r) => r.body));
        if (new Set(done).size === bodies.length) allDone.resolve();
        return failures(...failedIds);
      },
      () => undefined,
      { maxConcurrency: 2 },
    );
    await allDone.promise;
    await source.stop();

    // Assess: group a's last delivery of each record is in order, after a2's retry.
    const lastOf = (group: string) =>
      done.filter((body) => body.startsWith(group)).filter((body, i, all) => all.lastIndexOf(body) === i);
    expect(lastOf('a')).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(lastOf('b')).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(done.filter((body) => body === 'a2')).toHaveLength(1);
    expect(await depth('lanes-partial')).toEqual(['0', '0']);
  });

  it('receives and deletes through a lean SQS client when given one', async () => {
    // Prepare
    await sendAll('lean', ['a1', 'a2', 'b1']);
    const lean = new SqsJsonClient({
      endpoint: sqs.endpoint,
      region: sqs.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const calls: string[] = [];
    const batchClient: SqsEventSourceOptions['batchClient'] = {
      receiveMessage: (input, abort) => {
        calls.push('receive');
        return lean.receiveMessage(input, abort);
      },
      deleteMessageBatch: (input) => {
        calls.push('delete');
        return lean.deleteMessageBatch(input);
      },
    };
    const handled: SQSRecord[] = [];
    const allHandled = signal();

    // Act
    const source = poll(
      'lean',
      async (event) => {
        handled.push(...event.Records);
        if (handled.length === 3) allHandled.resolve();
        return undefined;
      },
      () => undefined,
      { batchClient },
    );
    await allHandled.promise;
    await source.stop();
    await lean.close();

    // Assess
    expect(handled.map((r) => r.body)).toEqual(['a1', 'a2', 'b1']);
    expect(handled[0]?.attributes).toMatchObject({ MessageGroupId: 'a', ApproximateReceiveCount: '1' });
    expect(handled[0]?.md5OfBody).toBe(createHash('md5').update('a1').digest('hex'));
    expect(calls).toContain('delete');
    expect(await depth('lean')).toEqual(['0', '0']);
  });

  it('stop waits for the batch in hand and settles it', async () => {
    // Prepare
    await sendAll('stop', ['a1']);
    const entered = signal();
    const release = signal();
    const source = poll('stop', async () => {
      entered.resolve();
      await release.promise;
      return undefined;
    });
    await entered.promise;

    // Act
    let stopped = false;
    const stopping = source.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const stoppedBeforeRelease = stopped;
    release.resolve();
    await stopping;

    // Assess
    expect(stoppedBeforeRelease).toBe(false);
    expect(await depth('stop')).toEqual(['0', '0']);
  });
});
