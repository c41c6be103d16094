/**
 * CPU per order of the `POST /api/v3/order` handler alone: the real handler invoked
 * in this process with API Gateway events, against real Redis, PostgreSQL and fauxqs;
 * a stand-in engine in another process (`order-responder.ts`) answers each order on
 * its reply channel. A measurement, not a test: it prints one JSON line.
 *
 * Run: `npm run bench:handler -- [orders=5000] [inFlight=16]`
 */
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, ensureRedis } from '@exchange/local-services';
import { LambdaContext, startLocalSqs } from '@exchange/localstack';
import { ORDERS_QUEUE, QUEUE_DEFINITIONS } from '@exchange/protocol';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

const orders = Number(process.argv[2] ?? 5000);
const inFlight = Number(process.argv[3] ?? 16);
const ACCOUNTS = 64;
const WARM_UP = 500;

const redis = await ensureRedis();
const prefix = `perf-${randomBytes(6).toString('hex')}:`;
const { migrateFunctionsDatabase } = await import('@exchange/functions/db/migrate');
const db = await createScratchDatabase({ prefix: 'order_cpu', migrate: migrateFunctionsDatabase });
const sqs = await startLocalSqs({ port: 0, queues: QUEUE_DEFINITIONS });
Object.assign(process.env, {
  DATABASE_URL: db.url,
  REDIS_URL: redis.url,
  REDIS_PREFIX: prefix,
  SQS_ENDPOINT: sqs.endpoint,
  AWS_REGION: sqs.region,
  ORDERS_QUEUE: ORDERS_QUEUE.name,
  LOG_LEVEL: 'silent',
});
const responder = fork(
  fileURLToPath(new URL('./order-responder.ts', import.meta.url)),
  [sqs.endpoint, sqs.region, sqs.queueUrls[ORDERS_QUEUE.name] as string, redis.url, prefix],
  { execArgv: ['--import', 'tsx'] },
);

const { accountStore } = await import('@exchange/functions/accounts/account-store');
const { hmacSha256Hex } = await import('@exchange/functions/auth/signature');
const { newOrderHandler } = await import('@exchange/functions/http/v3/trading');
const accounts: { readonly apiKey: string; readonly secretKey: string }[] = [];
for (let i = 0; i < ACCOUNTS; i++) accounts.push(await accountStore().createAccount());

function event(n: number): APIGatewayProxyEventV2 {
  const key = accounts[n % ACCOUNTS] as (typeof accounts)[number];
  const query = `symbol=SOLUSDC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=${10 + (n % 50)}&timestamp=${Date.now()}&recvWindow=${5000 + (n % 1000)}`;
  const signed = `${query}&signature=${hmacSha256Hex(key.secretKey, query)}`;
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: 'POST /api/v3/order',
    rawPath: '/api/v3/order',
    rawQueryString: signed,
    headers: { host: '127.0.0.1', 'x-mbx-apikey': key.apiKey, 'user-agent': 'order-cpu' },
    queryStringParameters: Object.fromEntries(new URLSearchParams(signed)),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: {
        method: 'POST',
        path: '/api/v3/order',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'order-cpu',
      },
      requestId: randomUUID(),
      routeKey: 'POST /api/v3/order',
      stage: '$default',
      time: '',
      timeEpoch: now,
    },
    isBase64Encoded: false,
  };
}

const statuses = new Map<number, number>();
async function run(count: number, offset: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = offset + next++;
      const context = LambdaContext.fresh('api', 29_000) as Context;
      const result = await newOrderHandler(event(n), context);
      statuses.set(result.statusCode ?? 0, (statuses.get(result.statusCode ?? 0) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

await run(WARM_UP, 0);
statuses.clear();
const started = process.cpuUsage();
const wallStart = performance.now();
await run(orders, WARM_UP);
const cpu = process.cpuUsage(started);
const wallMs = performance.now() - wallStart;

responder.send('stop');
await new Promise((resolve) => responder.once('exit', resolve));
const { closeDatabase } = await import('@exchange/functions/db/pool');
const { closeRedis } = await import('@exchange/functions/db/redis');
const { closeReplies } = await import('@exchange/functions/engine-client/replies');
const { resetOrdersQueue } = await import('@exchange/functions/engine-client/orders-queue');
await Promise.all([closeReplies(), closeRedis(), closeDatabase()]);
resetOrdersQueue();
await sqs.close();
await db.drop();
await redis.stop();
console.log(
  JSON.stringify({
    orders,
    inFlight,
    cpuMicrosPerOrder: Math.round((cpu.user + cpu.system) / orders),
    userMicrosPerOrder: Math.round(cpu.user / orders),
    systemMicrosPerOrder: Math.round(cpu.system / orders),
    ordersPerSecond: Math.round((orders / wallMs) * 1000),
    statuses: Object.fromEntries(statuses),
  }),
);
process.exit(0);
