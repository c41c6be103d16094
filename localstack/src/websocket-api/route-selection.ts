/** The route for messages no other route catches, and for messages that are not JSON. */
export const DEFAULT_ROUTE = '$default';

const RESERVED_ROUTES: ReadonlySet<string> = new Set(['$connect', '$disconnect', DEFAULT_ROUTE]);
const BODY_PREFIX = '$request.body.';

/** Picks the route key of one incoming message. */
export type RouteSelector = (body: string) => string;

/**
 * Compiles a route selection expression such as `$request.body.method` (or the
 * `${request.body.method}` form) into a selector. Like API Gateway, a body that is not
 * JSON, or whose field is missing or not a string or number, selects `$default`; so does
 * a value naming a reserved route, since clients cannot invoke those by message.
 *
 * @throws Error when the expression does not select a field of the JSON body, the only
 * kind API Gateway evaluates for WebSocket messages.
 *
 * @example
 * const select = routeSelector('$request.body.method');
 * select('{"method":"SUBSCRIBE","params":[]}'); // 'SUBSCRIBE'
 * select('ping'); // '$default'
 */
export function routeSelector(expression: string): RouteSelector {
  const bare =
    expression.startsWith('${') && expression.endsWith('}') ? `$${expression.slice(2, -1)}` : expression;
  if (!bare.startsWith(BODY_PREFIX) || bare.length === BODY_PREFIX.length) {
    throw new Error(`Route selection expression must select a body field ($request.body.…): ${expression}`);
  }
  const path = bare.slice(BODY_PREFIX.length).split('.');
  return (body) => {
    const value = fieldAt(parseJson(body), path);
    const key = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
    return key === '' || RESERVED_ROUTES.has(key) ? DEFAULT_ROUTE : key;
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function fieldAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const name of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, name)) return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}
