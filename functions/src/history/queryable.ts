import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';

/**
 * What the read queries and the DB processor's writer need of PostgreSQL: one
 * `query`. A `pg.Pool`, a checked-out `pg.PoolClient` and a `pg.Client` all are one.
 */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(config: QueryConfig<unknown[]>): Promise<QueryResult<R>>;
}
