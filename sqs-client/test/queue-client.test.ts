/**
 * The queue calls, through both implementations of `QueueClient`, against real fauxqs:
 * the direct JSON-protocol client must answer exactly as the SDK does; and the single
 * calls the API makes (`getQueueUrl`, `sendMessage`).
 */
import { createSqsClient, type LocalSqs, startLocalSqs } from '@exchange/localstack';
import { ORDERS_QUEUE } from '@exchange/protocol';
import { credentialsFromEnvironment, type QueueClient, SqsCallError, SqsJsonClient } from '../src/index.js';
import { sdkQueueClient } from '../src/sdk-queue-client.js';

let sqs: LocalSqs;
let json: SqsJsonClient;
const sdk = { client: undefined as ReturnType<typeof createSqsClient> | undefined };
let queueUrl: string;

beforeAll(async () => {
  sqs = await startLocalSqs({ port: 0, queues: [ORDERS_QUEUE] });
  json = new SqsJsonClient({ ...sqs, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  sdk.client = createSqsClient(sqs);
  queueUrl = sqs.queueUrls[ORDERS_QUEUE.name] as string;
});

afterAll(async () => {
  await json.close();
  sdk.client?.destroy();
  await sqs.close();
});

const clients: [string, () => QueueClient][] = [
  ['SqsJsonClient', () => json],
  ['sdkQueueClient', () => sdkQueueClient(sdk.client as ReturnType<typeof createSqsClient>)],
];

describe.each(clients)('%s', (name, clientOf) => {
  it('sends a batch, receives it with its attributes in group order, and deletes it', async () => {
    // Prepare
    const queue = clientOf();
    const bodies = ['{"n":1}', '{"n":2}', 'a "quoted" \\ body ✓'];

    // Act
    const sent = await queue.sendMessageBatch({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, i) => ({
        Id: String(i),
        MessageBody: body,
        MessageGroupId: `g-${name}`,
        MessageDeduplicationId: `${name}-${i}`,
      })),
    });
    // fauxqs hands out one message of a group per receive: delete each as it comes
    const received = [];
    const deletes = [];
    while (received.length < bodies.length) {
      const messages = await queue.receiveMessage({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      });
      received.push(...messages);
      if (messages.length === 0) continue;
      deletes.push(
        await queue.deleteMessageBatch({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
    const after = await queue.receiveMessage({ QueueUrl: queueUrl, WaitTimeSeconds: 2 });

    // Assess
    expect(sent.Failed ?? []).toEqual([]);
    expect(received.map((m) => m.Body)).toEqual(bodies);
    expect(received.map((m) => m.Attributes?.MessageDeduplicationId)).toEqual(
      bodies.map((_, i) => `${name}-${i}`),
    );
    expect(received.every((m) => m.Attributes?.MessageGroupId === `g-${name}`)).toBe(true);
    expect(deletes.flatMap((d) => d.Failed ?? [])).toEqual([]);
    expect(after).toEqual([]);
  });
});

describe('SqsJsonClient', () => {
  it('finds a queue by name and sends one FIFO message to it', async () => {
    // Act
    const url = await json.getQueueUrl(ORDERS_QUEUE.name);
    const sent = await json.sendMessage({
      QueueUrl: url,
      MessageBody: '{"type":"DEPOSIT","note":"ü ✓"}',
      MessageGroupId: 'g-single',
      MessageDeduplicationId: 'single-1',
    });
    const [received] = await json.receiveMessage({
      QueueUrl: url,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
    });
    await json.deleteMessageBatch({
      QueueUrl: url,
      Entries: [{ Id: '0', ReceiptHandle: received?.ReceiptHandle }],
    });

    // Assess
    expect(url).toBe(queueUrl);
    expect(typeof sent.MessageId).toBe('string');
    expect(received?.MessageId).toBe(sent.MessageId);
    expect(received?.Body).toBe('{"type":"DEPOSIT","note":"ü ✓"}');
    expect(received?.Attributes).toMatchObject({
      MessageGroupId: 'g-single',
      MessageDeduplicationId: 'single-1',
    });
  });

  it('answers QueueDoesNotExist for an unknown queue name', async () => {
    await expect(json.getQueueUrl('no-such-queue.fifo')).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      retryable: false,
    });
  });

  it("throws SQS's error by its type, not retried", async () => {
    // Act
    const failure = json.sendMessageBatch({
      QueueUrl: `${sqs.endpoint}/000000000000/no-such-queue.fifo`,
      Entries: [{ Id: '0', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' }],
    });

    // Assess
    await expect(failure).rejects.toBeInstanceOf(SqsCallError);
    await expect(failure).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
      statusCode: 400,
      retryable: false,
    });
  });

  it('cuts a long poll short when its signal aborts', async () => {
    // Prepare
    const abort = new AbortController();

    // Act
    const poll = json.receiveMessage({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }, abort.signal);
    setTimeout(() => abort.abort(), 100);

    // Assess: a poll that ran its course would resolve with no messages
    await expect(poll).rejects.toThrow();
  });

  it('retries a connection that fails, then gives up with a retryable NetworkingError', async () => {
    // Prepare: nothing listens on port 1
    const nowhere = new SqsJsonClient({
      endpoint: 'http://127.0.0.1:1',
      region: sqs.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 2,
    });

    // Act
    const failure = nowhere.receiveMessage({ QueueUrl: queueUrl });

    // Assess
    await expect(failure).rejects.toMatchObject({ name: 'NetworkingError', statusCode: 0, retryable: true });
    await nowhere.close();
  });
});

describe('credentialsFromEnvironment', () => {
  it("reads the key pair and session token Lambda's runtime sets", () => {
    // Act
    const credentials = credentialsFromEnvironment({
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });

    // Assess
    expect(credentials).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' });
    expect(credentialsFromEnvironment({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's' })).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 's',
    });
  });

  it('refuses to sign without a key pair', () => {
    expect(() => credentialsFromEnvironment({ AWS_ACCESS_KEY_ID: 'AKID' })).toThrow(/AWS_SECRET_ACCESS_KEY/);
  });
});
