-- Up Migration

-- Stop and take-profit orders, OCO lists and amendments (docs/orders.md), from the
-- engine's ORDER events: the trigger terms, when the order started working, its list.
ALTER TABLE orders
  -- The trigger price; NULL for orders without one (a trailing stop may have none).
  ADD COLUMN stop_price numeric,
  -- Basis points; 0 when the order does not trail.
  ADD COLUMN trailing_delta integer NOT NULL DEFAULT 0,
  -- When it started working on the book; NULL while a stop order waits for its trigger.
  ADD COLUMN working_time timestamptz,
  -- The OCO list it belongs to (the list's command sequence); -1 when none.
  ADD COLUMN order_list_id bigint NOT NULL DEFAULT -1,
  -- That list's client id (Binance's listClientOrderId); NULL when none.
  ADD COLUMN list_client_order_id text;

-- Every order placed before stop orders existed worked from its placement.
UPDATE orders SET working_time = created_at;

-- The orders of one account's lists (GET /api/v3/orderList, allOrderList).
CREATE INDEX orders_account_list ON orders (account_id, order_list_id DESC) WHERE order_list_id > 0;
-- A list by its client id (GET /api/v3/orderList?origClientOrderId=…).
CREATE INDEX orders_account_list_client_id ON orders (account_id, list_client_order_id, order_list_id DESC)
  WHERE list_client_order_id IS NOT NULL;

-- Down Migration

DROP INDEX orders_account_list_client_id;
DROP INDEX orders_account_list;
ALTER TABLE orders
  DROP COLUMN list_client_order_id,
  DROP COLUMN order_list_id,
  DROP COLUMN working_time,
  DROP COLUMN trailing_delta,
  DROP COLUMN stop_price;
