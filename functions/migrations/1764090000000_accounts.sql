-- Up Migration

-- One row per trading account. The id is opaque (`acc_` + 16 base32 characters) so
-- it says nothing about creation order or count; it is also the account id the
-- engine, the queues and Redis key names use.
CREATE TABLE accounts (
  id text PRIMARY KEY CHECK (id ~ '^acc_[a-z2-7]{16}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  -- 'active', or 'suspended' (every key of the account is refused, its data kept).
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended'))
);

-- API keys, Binance style: the public key string is the id, the secret is shown
-- once at creation and stored only sealed (AES-256-GCM under the server key
-- API_SECRET_KEY, see functions/src/accounts/secret-box.ts). A revoked key keeps its
-- row (revoked_at set) so that its id is never issued again and audits can name it.
CREATE TABLE api_keys (
  api_key text PRIMARY KEY CHECK (api_key ~ '^[A-Za-z0-9]{64}$'),
  account_id text NOT NULL REFERENCES accounts (id),
  -- version byte ‖ 12-byte IV ‖ 16-byte GCM tag ‖ ciphertext; the api key is the
  -- additional authenticated data, so a sealed secret cannot be moved to another row.
  secret_sealed bytea NOT NULL,
  label text NOT NULL DEFAULT '' CHECK (length(label) <= 64),
  -- 'read' (reads only) and/or 'trade' (orders, cancels, key management).
  permissions text[] NOT NULL CHECK (permissions <@ ARRAY['read', 'trade'] AND cardinality(permissions) > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Listing an account's keys.
CREATE INDEX api_keys_account_id ON api_keys (account_id);

-- Down Migration

DROP TABLE api_keys;
DROP TABLE accounts;
