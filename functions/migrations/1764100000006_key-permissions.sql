-- Up Migration

-- Two more permissions, never granted unless asked for (functions/src/accounts/permissions.ts):
-- 'withdraw' (POST /api/v1/withdrawals) and 'manageKeys' (creating and revoking keys).
-- Keys that held 'trade' could do both before; they keep only what the name says.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_permissions_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_permissions_check
  CHECK (permissions <@ ARRAY['read', 'trade', 'withdraw', 'manageKeys'] AND cardinality(permissions) > 0);

-- The source addresses and CIDR blocks the key may be used from; empty: any.
-- Validated by the API (functions/src/accounts/ip-allow-list.ts) before it is stored.
ALTER TABLE api_keys ADD COLUMN ip_allow_list text[] NOT NULL DEFAULT '{}'
  CHECK (cardinality(ip_allow_list) <= 30);

-- Down Migration

ALTER TABLE api_keys DROP COLUMN ip_allow_list;
UPDATE api_keys SET permissions = array_remove(array_remove(permissions, 'withdraw'), 'manageKeys');
UPDATE api_keys SET permissions = '{read}' WHERE cardinality(permissions) = 0;
ALTER TABLE api_keys DROP CONSTRAINT api_keys_permissions_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_permissions_check
  CHECK (permissions <@ ARRAY['read', 'trade'] AND cardinality(permissions) > 0);
