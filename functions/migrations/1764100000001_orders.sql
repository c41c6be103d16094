-- Up Migration

-- Every order the engine accepted, in its latest state: open orders and the whole
-- history of ended ones (filled, canceled, expired), from the engine's ORDER events.
-- Fills and cancels update a row in place; free space in each page (fillfactor) keeps
-- those updates HOT, touching no index.
CREATE TABLE orders (
  -- The engine sequence of the command that created the order.
  order_id bigint PRIMARY KEY,
  market text NOT NULL,
  account_id text NOT NULL,
  client_order_id text,
  side text NOT NULL,
  order_type text NOT NULL,
  time_in_force text NOT NULL,
  post_only boolean NOT NULL,
  self_trade_prevention text NOT NULL,
  -- NULL for market orders.
  price numeric,
  -- NULL when sized by quote.
  quantity numeric,
  -- NULL when sized by quantity.
  quote_quantity numeric,
  filled_quantity numeric NOT NULL,
  filled_quote numeric NOT NULL,
  status text NOT NULL,
  -- Why it ended (CANCELED_BY_USER, IOC_REMAINDER, …); NULL while it lives or when filled.
  reason text,
  created_at timestamptz NOT NULL,
  -- Time of the command that last changed it.
  updated_at timestamptz NOT NULL,
  -- Sequence of that command: an upsert only moves an order forward.
  seq bigint NOT NULL
) WITH (fillfactor = 80);

-- Order history of one account, per market or across markets, newest first.
CREATE INDEX orders_account_market ON orders (account_id, market, order_id DESC);
CREATE INDEX orders_account ON orders (account_id, order_id DESC);

-- Withdrawals, from the engine's WITHDRAWAL events, in their latest state.
CREATE TABLE withdrawals (
  -- The engine sequence of the WITHDRAW command.
  withdrawal_id bigint PRIMARY KEY,
  account_id text NOT NULL,
  asset text NOT NULL,
  amount numeric NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  seq bigint NOT NULL
);

CREATE INDEX withdrawals_account ON withdrawals (account_id, withdrawal_id DESC);

-- Down Migration

DROP TABLE withdrawals;
DROP TABLE orders;
