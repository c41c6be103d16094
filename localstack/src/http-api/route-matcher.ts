/**
 * Route selection as API Gateway HTTP APIs do it: a full match of path and method
 * (literal segments beating path variables, a named method beating `ANY`), then the
 * greedy `{proxy+}` routes (longest literal prefix first), then `$default`.
 *
 * Everything is decided when the routes are compiled; a request costs one map lookup,
 * and a path split only when some route has variables.
 */
import { DEFAULT_ROUTE, routeKeyOf } from './lambda-route.js';

interface RouteShape {
  readonly method: string;
  readonly path: string;
}

/** The route chosen for a request and the path variables it captured (still URL-encoded). */
export interface RouteMatch<R extends RouteShape> {
  readonly route: R;
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
}

/** A path segment: a literal string, or the name of the variable that captures it. */
type Segment = { readonly literal: string } | { readonly variable: string };

interface Compiled<R extends RouteShape> {
  readonly route: R;
  readonly routeKey: string;
  readonly method: string;
  /** Segments after the leading `/`; for a greedy route, those before `{name+}`. */
  readonly segments: readonly Segment[];
  /** Name of the greedy variable, or undefined for a full-match route. */
  readonly greedy: string | undefined;
}

export interface RouteMatcher<R extends RouteShape> {
  match(method: string, rawPath: string): RouteMatch<R> | undefined;
}

const VARIABLE = /^\{([A-Za-z0-9_.-]+)\}$/;
const GREEDY = /^\{([A-Za-z0-9_.-]+)\+\}$/;

/**
 * Compiles a route list. Throws on a malformed path or on two routes with the same key,
 * which API Gateway would refuse to deploy.
 *
 * @example
 * const matcher = compileRoutes([{ method: 'GET', path: '/pets/{id}' }]);
 * matcher.match('GET', '/pets/7'); // { routeKey: 'GET /pets/{id}', pathParameters: { id: '7' }, … }
 */
export function compileRoutes<R extends RouteShape>(routes: readonly R[]): RouteMatcher<R> {
  const literal = new Map<string, Map<string, RouteMatch<R>>>();
  const variable: Compiled<R>[] = [];
  const greedy: Compiled<R>[] = [];
  const keys = new Set<string>();
  let fallback: RouteMatch<R> | undefined;

  for (const route of routes) {
    const routeKey = routeKeyOf(route);
    if (keys.has(routeKey)) throw new Error(`duplicate route ${routeKey}`);
    keys.add(routeKey);
    if (route.path === DEFAULT_ROUTE) {
      fallback = { route, routeKey, pathParameters: undefined };
      continue;
    }
    const compiled = compile(route, routeKey);
    if (compiled.greedy !== undefined) {
      greedy.push(compiled);
    } else if (compiled.segments.every((s) => 'literal' in s)) {
      const byMethod = literal.get(route.path) ?? new Map<string, RouteMatch<R>>();
      byMethod.set(route.method, { route, routeKey, pathParameters: undefined });
      literal.set(route.path, byMethod);
    } else {
      variable.push(compiled);
    }
  }
  variable.sort(bySpecificity);
  greedy.sort((a, b) => b.segments.length - a.segments.length || bySpecificity(a, b));

  return {
    match(method, rawPath) {
      const byMethod = literal.get(rawPath);
      const exact = byMethod?.get(method) ?? byMethod?.get('ANY');
      if (exact !== undefined) return exact;
      if (variable.length > 0 || greedy.length > 0) {
        const parts = rawPath.split('/');
        for (const c of variable) {
          const found = matchCompiled(c, method, parts);
          if (found !== undefined) return found;
        }
        for (const c of greedy) {
          const found = matchCompiled(c, method, parts);
          if (found !== undefined) return found;
        }
      }
      return fallback;
    },
  };
}

function compile<R extends RouteShape>(route: R, routeKey: string): Compiled<R> {
  if (!route.path.startsWith('/')) throw new Error(`route path must start with /: ${routeKey}`);
  const raw = route.path.slice(1).split('/');
  const last = raw.at(-1) ?? '';
  const greedyName = GREEDY.exec(last)?.[1];
  const body = greedyName === undefined ? raw : raw.slice(0, -1);
  const segments = body.map((part): Segment => {
    const name = VARIABLE.exec(part)?.[1];
    if (name !== undefined) return { variable: name };
    if (part.includes('{') || part.includes('}')) throw new Error(`malformed path variable in ${routeKey}`);
    return { literal: part };
  });
  return { route, routeKey, method: route.method, segments, greedy: greedyName };
}

/** Literal before variable at the first segment where they differ, then a named method before ANY. */
function bySpecificity<R extends RouteShape>(a: Compiled<R>, b: Compiled<R>): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const aLiteral = 'literal' in (a.segments[i] as Segment);
    const bLiteral = 'literal' in (b.segments[i] as Segment);
    if (aLiteral !== bLiteral) return aLiteral ? -1 : 1;
  }
  return Number(a.method === 'ANY') - Number(b.method === 'ANY');
}

/** `parts` is the request path split on `/`, so `parts[0]` is the empty string before the first `/`. */
function matchCompiled<R extends RouteShape>(
  c: Compiled<R>,
  method: string,
  parts: readonly string[],
): RouteMatch<R> | undefined {
  if (c.method !== method && c.method !== 'ANY') return undefined;
  const count = c.segments.length;
  if (c.greedy === undefined ? parts.length !== count + 1 : parts.length <= count + 1) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < count; i++) {
    const segment = c.segments[i] as Segment;
    const part = parts[i + 1] as string;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params ??= {};
      params[segment.variable] = part;
    }
  }
  if (c.greedy !== undefined) {
    const rest = parts.slice(count + 1).join('/');
    if (rest === '') return undefined;
    params ??= {};
    params[c.greedy] = rest;
  }
  return { route: c.route, routeKey: c.routeKey, pathParameters: params };
}
