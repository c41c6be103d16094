-- Up Migration

-- One login role per component, each granted only what its code does (the names are
-- `DATABASE_ROLES` in functions/src/db/roles.ts; docs/security.md explains the split):
--
--   exchange_engine        owns engine_journal, engine_fence, engine_snapshots (it applies
--                          its own migrations at start): the only writer of the journal
--   exchange_db_processor  writes what the engine's events say: trades, orders, balances,
--                          balance_changes, withdrawals, klines
--   exchange_api           the REST and WebSocket functions: read those; write accounts,
--                          api_keys and withdrawal_requests, as far as their code does
--   exchange_settlement    the withdrawal settlement: withdrawal_requests, and reads the
--                          journal for the outcome of a reply it missed
--   exchange_fanout        the WebSocket fan-out: reads klines to seed its candles
--
-- The roles get no password here: in AWS the migrator sets each from the component's
-- Secrets Manager secret (`setDatabaseRolePasswords`); the local stack's servers trust
-- loopback. Roles are the whole server's, so creating one that another database already
-- made is not an error. A table added later names its grants in its own migration.
DO $$
DECLARE
  role_name text;
BEGIN
  FOREACH role_name IN ARRAY ARRAY[
    'exchange_engine', 'exchange_db_processor', 'exchange_api', 'exchange_settlement', 'exchange_fanout'
  ] LOOP
    BEGIN
      EXECUTE format('CREATE ROLE %I LOGIN', role_name);
    EXCEPTION
      -- Made by another database's migration, now or at the same moment.
      WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END LOOP;
  -- Handing the engine's tables to it, and its default grants, need the migrator to be
  -- a member of the engine's role (a superuser is every role already; the RDS master
  -- user is not, but may grant itself a role it created).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'exchange_engine', 'MEMBER') THEN
    GRANT exchange_engine TO CURRENT_USER;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public
  TO exchange_engine, exchange_db_processor, exchange_api, exchange_settlement, exchange_fanout;

-- The engine: creates and owns its tables. Tables its migrations made earlier as
-- another user (a database from before the roles) are handed over.
GRANT CREATE ON SCHEMA public TO exchange_engine;
DO $$
DECLARE
  engine_table text;
BEGIN
  FOREACH engine_table IN ARRAY ARRAY['engine_migrations', 'engine_journal', 'engine_fence', 'engine_snapshots'] LOOP
    IF to_regclass('public.' || engine_table) IS NOT NULL THEN
      EXECUTE format('ALTER TABLE public.%I OWNER TO exchange_engine', engine_table);
    END IF;
  END LOOP;
END
$$;
-- The settlement reads the journal (`withdrawals/engine-journal.ts`); grants on the
-- engine's tables are the engine's to give, so they are given by default, for the tables
-- it will create and (below) the ones it has.
ALTER DEFAULT PRIVILEGES FOR ROLE exchange_engine IN SCHEMA public GRANT SELECT ON TABLES TO exchange_settlement;
DO $$
BEGIN
  IF to_regclass('public.engine_journal') IS NOT NULL THEN
    GRANT SELECT ON engine_journal TO exchange_settlement;
  END IF;
END
$$;

-- The DB processor. `klines` is a table kept by a trigger on trades without TimescaleDB
-- (the trigger runs with the inserter's rights), a view over continuous aggregates with it.
GRANT SELECT, INSERT, UPDATE ON trades, orders, balances, balance_changes, withdrawals TO exchange_db_processor;
GRANT SELECT ON kline_intervals TO exchange_db_processor;
DO $$
BEGIN
  IF (SELECT relkind FROM pg_class WHERE oid = 'public.klines'::regclass) = 'r' THEN
    GRANT SELECT, INSERT, UPDATE ON klines TO exchange_db_processor;
  END IF;
END
$$;

-- The API functions.
GRANT SELECT ON trades, orders, balances, balance_changes, withdrawals, klines, kline_intervals TO exchange_api;
GRANT SELECT, INSERT ON accounts TO exchange_api;
-- A row lock (`SELECT … FOR UPDATE` while a key is added) needs UPDATE on some column:
-- created_at is the one whose change grants nothing; status (suspension) stays with
-- the operators.
GRANT UPDATE (created_at) ON accounts TO exchange_api;
GRANT SELECT, INSERT ON api_keys TO exchange_api;
GRANT UPDATE (revoked_at) ON api_keys TO exchange_api;
GRANT SELECT, INSERT ON withdrawal_requests TO exchange_api;
GRANT UPDATE (status, withdrawal_id, reason, updated_at) ON withdrawal_requests TO exchange_api;

-- The settlement.
GRANT SELECT ON withdrawal_requests TO exchange_settlement;
GRANT UPDATE (status, withdrawal_id, reason, updated_at) ON withdrawal_requests TO exchange_settlement;

-- The fan-out.
GRANT SELECT ON klines TO exchange_fanout;

-- Down Migration

REVOKE ALL ON klines FROM exchange_fanout;
REVOKE ALL ON withdrawal_requests FROM exchange_settlement;
REVOKE ALL ON trades, orders, balances, balance_changes, withdrawals, klines, kline_intervals,
  accounts, api_keys, withdrawal_requests FROM exchange_api;
REVOKE ALL ON trades, orders, balances, balance_changes, withdrawals, klines, kline_intervals
  FROM exchange_db_processor;
ALTER DEFAULT PRIVILEGES FOR ROLE exchange_engine IN SCHEMA public REVOKE SELECT ON TABLES FROM exchange_settlement;
DO $$
BEGIN
  IF to_regclass('public.engine_journal') IS NOT NULL THEN
    REVOKE ALL ON engine_journal FROM exchange_settlement;
  END IF;
END
$$;
REVOKE CREATE ON SCHEMA public FROM exchange_engine;
REVOKE USAGE ON SCHEMA public
  FROM exchange_engine, exchange_db_processor, exchange_api, exchange_settlement, exchange_fanout;
