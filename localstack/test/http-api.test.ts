/**
 * Integration tests of the API Gateway HTTP API emulator: a real server on a free port,
 * real `fetch` (and node:http where fetch would merge repeated headers itself).
 */
import { request } from 'node:http';
import { HTTP_ROUTES } from '@exchange/functions/http-routes';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import {
  type HttpApi,
  type HttpApiHandler,
  type LambdaRoute,
  loadRouteTable,
  startHttpApi,
} from '../src/http-api/index.js';

const servers: HttpApi[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Starts an emulator; `problems` collects what it reports instead of logging it. */
async function serve(routes: readonly LambdaRoute[]): Promise<{ api: HttpApi; problems: string[] }> {
  const problems: string[] = [];
  const api = await startHttpApi({ routes, onInvocationError: (routeKey) => problems.push(routeKey) });
  servers.push(api);
  return { api, problems };
}

/** A handler that records the events it receives and answers 204. */
function recorder(): { handler: HttpApiHandler; events: APIGatewayProxyEventV2[] } {
  const events: APIGatewayProxyEventV2[] = [];
  return {
    events,
    handler: async (event) => {
      events.push(event);
      return { statusCode: 204 };
    },
  };
}

/** A route answering `result` for `GET /r`. */
const returning = (result: unknown): LambdaRoute => ({
  method: 'GET',
  path: '/r',
  handler: async () => result,
});

describe('the 2.0 event', () => {
  it('carries raw path and query, decoded parameters, lower-cased headers and cookies', async () => {
    // Prepare
    const rec = recorder();
    const { api } = await serve([{ method: 'GET', path: '/pets/{id}/{proxy+}', handler: rec.handler }]);

    // Act
    const res = await fetch(`${api.url}/pets/a%20b/x/y?tag=1&tag=2&name=%C3%A9t%C3%A9&flag`, {
      headers: { 'X-Custom': 'Value', Cookie: 'a=1; b=2', 'User-Agent': 'jest' },
    });

    // Assess
    expect(res.status).toBe(204);
    const event = rec.events[0] as APIGatewayProxyEventV2;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /pets/{id}/{proxy+}',
      rawPath: '/pets/a%20b/x/y',
      rawQueryString: 'tag=1&tag=2&name=%C3%A9t%C3%A9&flag',
      queryStringParameters: { tag: '1,2', name: 'été', flag: '' },
      pathParameters: { id: 'a b', proxy: 'x/y' },
      cookies: ['a=1', 'b=2'],
      isBase64Encoded: false,
    });
    expect(event.headers['x-custom']).toBe('Value');
    expect(event.headers['user-agent']).toBe('jest');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
  });

  it('comma-joins a header sent twice', async () => {
    // Prepare
    const rec = recorder();
    const { api } = await serve([{ method: 'GET', path: '/h', handler: rec.handler }]);

    // Act
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(`${api.url}/h`, { headers: { 'x-twice': ['one', 'two'] } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });

    // Assess
    expect(status).toBe(204);
    expect(rec.events[0]?.headers['x-twice']).toBe('one,two');
  });

  it('fills the request context: unique id, CLF time, epoch, source ip, method, stage', async () => {
    // Prepare
    const rec = recorder();
    const { api } = await serve([{ method: 'DELETE', path: '/orders/{id}', handler: rec.handler }]);
    const before = Date.now();

    // Act
    const first = await fetch(`${api.url}/orders/1`, { method: 'DELETE', headers: { 'user-agent': 'ua/1' } });
    const second = await fetch(`${api.url}/orders/2`, { method: 'DELETE' });

    // Assess
    const after = Date.now();
    const [a, b] = rec.events as [APIGatewayProxyEventV2, APIGatewayProxyEventV2];
    expect(a.requestContext).toMatchObject({
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      routeKey: 'DELETE /orders/{id}',
      stage: '$default',
      http: {
        method: 'DELETE',
        path: '/orders/1',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'ua/1',
      },
    });
    expect(a.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(a.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(b.requestContext.timeEpoch).toBeLessThanOrEqual(after);
    expect(a.requestContext.requestId).not.toBe(b.requestContext.requestId);
    expect(first.headers.get('apigw-requestid')).toBe(a.requestContext.requestId);
    expect(second.headers.get('apigw-requestid')).toBe(b.requestContext.requestId);
  });

  it('passes a JSON body as text and a binary body as base64', async () => {
    // Prepare
    const rec = recorder();
    const { api } = await serve([{ method: 'POST', path: '/upload', handler: rec.handler }]);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);

    // Act
    await fetch(`${api.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"price":"1.5"}',
    });
    await fetch(`${api.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });

    // Assess
    const [json, binary] = rec.events as [APIGatewayProxyEventV2, APIGatewayProxyEventV2];
    expect(json.body).toBe('{"price":"1.5"}');
    expect(json.isBase64Encoded).toBe(false);
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body ?? '', 'base64')).toEqual(bytes);
  });

  it('gives a Lambda context with the route timeout as remaining time', async () => {
    // Prepare
    let remaining = -1;
    let requestId = '';
    const { api } = await serve([
      {
        method: 'GET',
        path: '/ctx',
        timeoutSeconds: 10,
        handler: async (_event, context) => {
          remaining = context.getRemainingTimeInMillis();
          requestId = context.awsRequestId;
          return 'ok';
        },
      },
    ]);

    // Act
    await fetch(`${api.url}/ctx`);

    // Assess
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(10_000);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('route selection', () => {
  it('prefers literal, then variable, then greedy with a named method, then ANY greedy, then $default', async () => {
    // Prepare
    const answer =
      (name: string): HttpApiHandler =>
      async (event) => ({
        statusCode: 200,
        body: `${name} ${JSON.stringify(event.pathParameters ?? {})}`,
      });
    const { api } = await serve([
      { method: 'ANY', path: '$default', handler: answer('default') },
      { method: 'ANY', path: '/{proxy+}', handler: answer('any-greedy') },
      { method: 'GET', path: '/pets/{proxy+}', handler: answer('get-greedy') },
      { method: 'GET', path: '/pets/dog/{id}', handler: answer('variable') },
      { method: 'GET', path: '/pets/dog/1', handler: answer('literal') },
      { method: 'ANY', path: '/pets/dog/2', handler: answer('literal-any') },
    ]);
    const get = async (path: string, method = 'GET'): Promise<string> =>
      (await fetch(`${api.url}${path}`, { method })).text();

    // Act
    const results = [
      await get('/pets/dog/1'),
      await get('/pets/dog/2', 'PUT'),
      await get('/pets/dog/7'),
      await get('/pets/cat/1'),
      await get('/pets/dog/1', 'POST'),
      await get('/'),
    ];

    // Assess
    expect(results).toEqual([
      'literal {}',
      'literal-any {}',
      'variable {"id":"7"}',
      'get-greedy {"proxy":"cat/1"}',
      'any-greedy {"proxy":"pets/dog/1"}',
      'default {}',
    ]);
  });

  it('answers 404 {"message":"Not Found"} when nothing matches and there is no $default', async () => {
    // Prepare
    const rec = recorder();
    const { api } = await serve([{ method: 'GET', path: '/only', handler: rec.handler }]);

    // Act
    const wrongPath = await fetch(`${api.url}/other`);
    const wrongMethod = await fetch(`${api.url}/only`, { method: 'POST' });

    // Assess
    for (const res of [wrongPath, wrongMethod]) {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not Found' });
    }
    expect(rec.events).toHaveLength(0);
  });
});

describe('response mapping', () => {
  it('sends status, headers, multi-value headers and one Set-Cookie per cookie', async () => {
    // Prepare
    const { api } = await serve([
      returning({
        statusCode: 201,
        headers: { 'Content-Type': 'text/plain', 'X-Count': 3 },
        multiValueHeaders: { 'X-Multi': ['a', 'b'] },
        cookies: ['s=1; HttpOnly', 't=2'],
        body: 'created',
      }),
    ]);

    // Act
    const res = await fetch(`${api.url}/r`);

    // Assess
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('x-count')).toBe('3');
    expect(res.headers.get('x-multi')).toBe('a, b');
    expect(res.headers.getSetCookie()).toEqual(['s=1; HttpOnly', 't=2']);
    expect(await res.text()).toBe('created');
  });

  it('decodes a base64 body', async () => {
    // Prepare
    const bytes = Buffer.from([137, 80, 78, 71, 0, 255]);
    const { api } = await serve([
      returning({
        statusCode: 200,
        headers: { 'content-type': 'image/png' },
        body: bytes.toString('base64'),
        isBase64Encoded: true,
      }),
    ]);

    // Act
    const res = await fetch(`${api.url}/r`);

    // Assess
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it('sends a bare string as it is, with status 200 and application/json', async () => {
    // Prepare
    const { api } = await serve([returning('Hello from Lambda!')]);

    // Act
    const res = await fetch(`${api.url}/r`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('Hello from Lambda!');
  });

  it('sends an object without statusCode as its JSON, with status 200', async () => {
    // Prepare
    const { api } = await serve([returning({ message: 'Hello', list: [1, 2] })]);

    // Act
    const res = await fetch(`${api.url}/r`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ message: 'Hello', list: [1, 2] });
  });

  it('accepts the callback style', async () => {
    // Prepare
    const { api } = await serve([
      { method: 'GET', path: '/cb', handler: (_e, _c, callback) => callback(null, { statusCode: 202 }) },
    ]);

    // Act
    const res = await fetch(`${api.url}/cb`);

    // Assess
    expect(res.status).toBe(202);
  });
});

describe('failures', () => {
  it.each([
    ['a thrown error', () => Promise.reject(new Error('boom'))],
    [
      'a synchronous throw',
      () => {
        throw new Error('boom');
      },
    ],
    ['a non-numeric statusCode', async () => ({ statusCode: 'ok' })],
    ['an object body', async () => ({ statusCode: 200, body: { not: 'a string' } })],
    ['a header that is an object', async () => ({ statusCode: 200, headers: { 'x-bad': {} } })],
    ['a header node:http refuses', async () => ({ statusCode: 200, headers: { 'x-bad': 'a\nb' } })],
    [
      'a 500 with a header node:http refuses',
      async () => ({ statusCode: 500, headers: { 'x-bad': 'a\nb' } }),
    ],
    ['an unserialisable value', async () => ({ big: 1n })],
  ] as [string, HttpApiHandler][])('answers 500 for %s', async (_name, handler) => {
    // Prepare
    const { api, problems } = await serve([{ method: 'GET', path: '/fail', handler }]);

    // Act
    const res = await fetch(`${api.url}/fail`);

    // Assess
    expect(res.status).toBe(500);
    expect(res.headers.get('x-bad')).toBeNull();
    expect(await res.json()).toEqual({ message: 'Internal Server Error' });
    expect(problems).toEqual(['GET /fail']);
  });
});

describe('timeouts', () => {
  it('answers 503 {"message":"Service Unavailable"} when the handler outlasts the route timeout', async () => {
    // Prepare
    const { api, problems } = await serve([
      { method: 'GET', path: '/slow', timeoutSeconds: 0.05, handler: () => new Promise(() => {}) },
    ]);

    // Act
    const res = await fetch(`${api.url}/slow`);

    // Assess
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ message: 'Service Unavailable' });
    expect(problems).toEqual(['GET /slow']);
  });

  it('times out a stuck invocation while one started after it answers', async () => {
    // Prepare
    const { api, problems } = await serve([
      {
        method: 'GET',
        path: '/work/{kind}',
        timeoutSeconds: 0.1,
        handler: (event) =>
          event.pathParameters?.kind === 'stuck' ? new Promise(() => {}) : Promise.resolve('done'),
      },
    ]);

    // Act
    const stuck = fetch(`${api.url}/work/stuck`);
    const quick = await fetch(`${api.url}/work/quick`);
    const late = await stuck;

    // Assess
    expect(quick.status).toBe(200);
    expect(await quick.text()).toBe('done');
    expect(late.status).toBe(503);
    expect(problems).toEqual(['GET /work/{kind}']);
  });
});

describe('the shared route table', () => {
  it('serves GET /health from functions/src/http/health', async () => {
    // Prepare
    const { api } = await serve(await loadRouteTable(HTTP_ROUTES));

    // Act
    const res = await fetch(`${api.url}/health`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('refuses at load time an entry whose module lacks the named export', async () => {
    // Prepare
    const table = [{ method: 'GET', path: '/health', handler: 'http/health', export: 'missing' }] as const;

    // Act
    const loading = loadRouteTable(table);

    // Assess
    await expect(loading).rejects.toThrow('has no function export "missing"');
  });
});
