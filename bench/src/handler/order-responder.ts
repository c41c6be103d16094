/**
 * The engine's stand-in for `order-cpu.ts`, in a process of its own so that its CPU is
 * not counted: receives each command from `orders.fifo` and publishes an accepted reply
 * (the order resting, `NEW`) on the inbox named by the command's `replyTo`.
 *
 * argv: SQS endpoint, region, queue URL, Redis URL, key prefix.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createSqsClient } from '@exchange/localstack';
import { Redis } from 'ioredis';

const [endpoint, region, queueUrl, redisUrl, prefix] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const sqs = createSqsClient({ endpoint, region });
const redis = new Redis(redisUrl);
let seq = 0;
let running = true;

interface CreateOrder {
  readonly requestId: string;
  readonly accountId: string;
  readonly replyTo?: string;
  readonly market: string;
  readonly side: 'BUY' | 'SELL';
  readonly price: string;
  readonly quantity: string;
  readonly clientOrderId?: string;
}

function replyOf(command: CreateOrder): string {
  seq += 1;
  const time = Date.now();
  return JSON.stringify({
    ok: true,
    requestId: command.requestId,
    seq,
    time,
    orders: [
      {
        type: 'ORDER',
        seq,
        time,
        market: command.market,
        orderId: seq,
        accountId: command.accountId,
        clientOrderId: command.clientOrderId ?? null,
        side: command.side,
        orderType: 'LIMIT',
        timeInForce: 'GTC',
        postOnly: false,
        selfTradePrevention: 'NONE',
        price: command.price,
        quantity: command.quantity,
        quoteQuantity: null,
        filledQuantity: '0',
        filledQuote: '0',
        status: 'NEW',
        reason: null,
        createdAt: time,
      },
    ],
    fills: [],
    balances: [],
    withdrawals: [],
  });
}

async function loop(): Promise<void> {
  while (running) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const message of Messages) {
      const command = JSON.parse(message.Body as string) as CreateOrder;
      if (command.replyTo !== undefined)
        pipeline.publish(`${prefix}replies:${command.replyTo}`, replyOf(command));
    }
    await pipeline.exec();
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }
}

process.on('message', () => {
  running = false;
});
await Promise.all([loop(), loop(), loop(), loop()]);
sqs.destroy();
redis.disconnect();
process.exit(0);
