/**
 * The local cloud and the CDK app must read the route tables and queue definitions
 * from the same modules; `app.test.ts` checks CDK used those very objects, this checks
 * the local cloud imports them from the same place (and keeps no copy).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const source = (path: string) => readFileSync(join(root, path), 'utf8');

describe('the local cloud', () => {
  it('serves HTTP_ROUTES from @exchange/functions/http-routes, as the API stack does', () => {
    expect(source('localstack/src/local-cloud.ts')).toMatch(
      /import \{[^}]*\bHTTP_ROUTES\b[^}]*\} from '@exchange\/functions\/http-routes'/,
    );
    expect(source('infra/lib/api-stack.ts')).toMatch(
      /import \{[^}]*\bHTTP_ROUTES\b[^}]*\} from '@exchange\/functions\/http-routes'/,
    );
  });

  it('serves WS_ROUTES from @exchange/functions/ws-routes, as the WebSocket stack does', () => {
    const pattern = /import \{[^}]*\bWS_ROUTES\b[^}]*\} from '@exchange\/functions\/ws-routes'/;
    expect(source('localstack/src/websocket-api/websocket-api.ts')).toMatch(pattern);
    expect(source('infra/lib/websocket-stack.ts')).toMatch(pattern);
  });

  it('creates QUEUE_DEFINITIONS from @exchange/protocol, as the state stack does', () => {
    const pattern = /import \{[^}]*\bQUEUE_DEFINITIONS\b[^}]*\} from '@exchange\/protocol'/;
    expect(source('localstack/src/sqs/local-sqs.ts')).toMatch(pattern);
    expect(source('infra/lib/state-stack.ts')).toMatch(pattern);
  });
});
