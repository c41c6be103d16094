/**
 * Integration: the local SQS's long poll answers as AWS's does — a message wakes one
 * waiting `ReceiveMessage`, and the others keep waiting instead of answering empty
 * (see `src/sqs/long-poll.ts`). Real fauxqs on a free port, real SDK client.
 */
import { type Message, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ORDERS_QUEUE } from '@exchange/protocol';
import { createSqsClient, type LocalSqs, startLocalSqs } from '../src/sqs/index.js';

let sqs: LocalSqs;
let client: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  sqs = await startLocalSqs({ port: 0, queues: [ORDERS_QUEUE] });
  client = createSqsClient(sqs);
  queueUrl = sqs.queueUrls[ORDERS_QUEUE.name] as string;
});

afterAll(async () => {
  client.destroy();
  await sqs.close();
});

const receive = (): Promise<Message[]> =>
  client
    .send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }))
    .then((answer) => answer.Messages ?? []);

const send = (group: string): Promise<unknown> =>
  client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: group,
      MessageGroupId: group,
      MessageDeduplicationId: `${group}-${Date.now()}`,
    }),
  );

describe('long polls of the local SQS', () => {
  it('wake one waiter per message: three waiting receives each get one of three messages sent one by one', async () => {
    // Prepare: three long polls waiting on an empty queue.
    const receives = [receive(), receive(), receive()];
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Act: one message, and once a receive has answered, two more.
    await send('a');
    const first = await Promise.race(receives);
    await send('b');
    await send('c');
    const answers = await Promise.all(receives);

    // Assess: no receive answered empty because another took the first message.
    expect(first.map((m) => m.Body)).toEqual(['a']);
    expect(answers.map((messages) => messages.length)).toEqual([1, 1, 1]);
    expect(answers.flatMap((messages) => messages.map((m) => m.Body)).sort()).toEqual(['a', 'b', 'c']);
  });
});
