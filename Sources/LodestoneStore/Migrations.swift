/// The schema, as numbered migrations. Both backends run the same statements: only integer and
/// text columns, explicit keys, no backend-specific types.
enum Migrations {
    static let all: [(version: Int64, name: String, statements: [String])] = [
        (1, "initial schema", [
            """
            CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)
            """,
            "INSERT INTO counters (name, value) VALUES ('derivation_index', 0)",
            """
            CREATE TABLE customers (
                id TEXT PRIMARY KEY,
                external_id TEXT UNIQUE,
                email TEXT,
                metadata TEXT,
                derivation_index BIGINT UNIQUE,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX customers_by_creation ON customers (created_at, id)",
            """
            CREATE TABLE addresses (
                customer_id TEXT NOT NULL REFERENCES customers (id),
                network TEXT NOT NULL,
                family TEXT NOT NULL,
                address TEXT NOT NULL,
                match_key TEXT NOT NULL,
                derivation_path TEXT NOT NULL,
                derivation_index BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (customer_id, network),
                UNIQUE (network, match_key)
            )
            """,
            "CREATE INDEX addresses_by_key ON addresses (family, match_key)",
            """
            CREATE TABLE payment_intents (
                id TEXT PRIMARY KEY,
                status TEXT NOT NULL,
                asset_id TEXT NOT NULL,
                network TEXT NOT NULL,
                amount TEXT NOT NULL,
                amount_received TEXT NOT NULL,
                deposit_address TEXT NOT NULL,
                confirmations_required BIGINT NOT NULL,
                customer_id TEXT NOT NULL REFERENCES customers (id),
                merchant_order_id TEXT,
                metadata TEXT,
                expires_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                idempotency_key TEXT UNIQUE,
                request_hash TEXT
            )
            """,
            "CREATE INDEX payment_intents_by_customer ON payment_intents (customer_id, created_at, id)",
            "CREATE INDEX payment_intents_by_status ON payment_intents (status, created_at, id)",
            "CREATE INDEX payment_intents_by_order ON payment_intents (merchant_order_id)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE asset_settings (
                asset_id TEXT PRIMARY KEY,
                confirmations BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE config_file_thresholds (
                asset_id TEXT PRIMARY KEY,
                confirmations BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE audit_events (
                id TEXT PRIMARY KEY,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                old_value TEXT,
                new_value TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX audit_events_by_creation ON audit_events (created_at, id)",
            """
            CREATE TABLE key_material (
                name TEXT PRIMARY KEY,
                sealed TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE deposits (
                id TEXT PRIMARY KEY,
                network TEXT NOT NULL,
                asset_id TEXT NOT NULL,
                address TEXT NOT NULL,
                customer_id TEXT REFERENCES customers (id),
                amount TEXT NOT NULL,
                tx_hash TEXT NOT NULL,
                position BIGINT NOT NULL,
                block_number BIGINT NOT NULL,
                block_hash TEXT NOT NULL,
                confirmations BIGINT NOT NULL,
                status TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (network, tx_hash, position)
            )
            """,
            "CREATE INDEX deposits_by_customer ON deposits (customer_id, created_at, id)",
            "CREATE INDEX deposits_by_address ON deposits (address, created_at, id)",
        ]),
        (2, "crediting ledger and event outbox", [
            "ALTER TABLE deposits ADD COLUMN credited_at BIGINT",
            """
            CREATE TABLE customer_balances (
                customer_id TEXT NOT NULL REFERENCES customers (id),
                asset_id TEXT NOT NULL,
                amount TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (customer_id, asset_id)
            )
            """,
            """
            CREATE TABLE deposit_applications (
                deposit_id TEXT NOT NULL REFERENCES deposits (id),
                target TEXT NOT NULL,
                amount TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (deposit_id, target)
            )
            """,
            """
            CREATE TABLE events (
                id TEXT PRIMARY KEY,
                type TEXT NOT NULL,
                data TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX events_by_creation ON events (created_at, id)",
        ]),
        (3, "chain scanning and webhook delivery", [
            """
            CREATE TABLE scan_cursors (
                network TEXT PRIMARY KEY,
                block_number BIGINT NOT NULL,
                block_hash TEXT NOT NULL,
                parent_hash TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE chain_blocks (
                network TEXT NOT NULL,
                block_number BIGINT NOT NULL,
                block_hash TEXT NOT NULL,
                parent_hash TEXT NOT NULL,
                PRIMARY KEY (network, block_number)
            )
            """,
            "ALTER TABLE deposits ADD COLUMN reversed_at BIGINT",
            "CREATE INDEX deposits_by_block ON deposits (network, block_number)",
            "CREATE INDEX deposits_by_status ON deposits (network, status)",
            "CREATE INDEX addresses_by_creation ON addresses (family, created_at)",
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                events TEXT NOT NULL,
                secret TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                deleted_at BIGINT
            )
            """,
            """
            CREATE TABLE webhook_deliveries (
                event_id TEXT NOT NULL REFERENCES events (id),
                endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
                status TEXT NOT NULL,
                attempts BIGINT NOT NULL,
                next_attempt_at BIGINT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (event_id, endpoint_id)
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
            """
            CREATE TABLE webhook_attempts (
                event_id TEXT NOT NULL,
                endpoint_id TEXT NOT NULL,
                attempt BIGINT NOT NULL,
                attempted_at BIGINT NOT NULL,
                status_code BIGINT,
                duration_ms BIGINT NOT NULL,
                error TEXT,
                PRIMARY KEY (event_id, endpoint_id, attempt)
            )
            """,
        ]),
        (4, "api key life cycle and webhook secret rotation", [
            "ALTER TABLE api_keys ADD COLUMN prefix TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE api_keys ADD COLUMN expires_at BIGINT",
            "ALTER TABLE api_keys ADD COLUMN revoked_at BIGINT",
            "ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT",
            "ALTER TABLE webhook_endpoints ADD COLUMN previous_secret TEXT",
            "ALTER TABLE webhook_endpoints ADD COLUMN previous_secret_expires_at BIGINT",
        ]),
        (5, "creation order by sequence", [
            // Timestamps tie (milliseconds) and ids are random: order comes from per-table
            // sequences, allocated from a counter row in the inserting transaction, so a number is
            // only handed out after the previous one's transaction committed.
            "ALTER TABLE payment_intents ADD COLUMN seq BIGINT",
            """
            UPDATE payment_intents SET seq = r.n FROM (
                SELECT id AS rid, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM payment_intents) r
            WHERE payment_intents.id = r.rid
            """,
            "INSERT INTO counters (name, value) SELECT 'seq.payment_intents', COUNT(*) FROM payment_intents",
            "CREATE INDEX payment_intents_by_customer_seq ON payment_intents (customer_id, asset_id, seq)",
            "CREATE INDEX payment_intents_by_seq ON payment_intents (seq)",
            "ALTER TABLE events ADD COLUMN seq BIGINT",
            """
            UPDATE events SET seq = r.n FROM (
                SELECT id AS rid, ROW_NUMBER() OVER (ORDER BY created_at, id) AS n FROM events) r
            WHERE events.id = r.rid
            """,
            "INSERT INTO counters (name, value) SELECT 'seq.events', COUNT(*) FROM events",
            "CREATE INDEX events_by_seq ON events (seq)",
            "ALTER TABLE addresses ADD COLUMN seq BIGINT",
            """
            UPDATE addresses SET seq = r.n FROM (
                SELECT customer_id AS rc, network AS rn,
                       ROW_NUMBER() OVER (ORDER BY created_at, customer_id, network) AS n FROM addresses) r
            WHERE addresses.customer_id = r.rc AND addresses.network = r.rn
            """,
            "INSERT INTO counters (name, value) SELECT 'seq.addresses', COUNT(*) FROM addresses",
            "CREATE INDEX addresses_by_family_seq ON addresses (family, seq)",
        ]),
        (6, "the ledger: append-only entries, reversals, credits per inclusion", [
            "ALTER TABLE deposits ADD COLUMN credits BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE deposits ADD COLUMN reversals BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE deposits ADD COLUMN seen_at BIGINT",
            "UPDATE deposits SET seen_at = created_at",
            "UPDATE deposits SET credits = 1 WHERE credited_at IS NOT NULL",
            // One row per customer and asset: the lock every change of that money takes first.
            """
            CREATE TABLE ledger_accounts (
                customer_id TEXT NOT NULL,
                asset_id TEXT NOT NULL,
                PRIMARY KEY (customer_id, asset_id)
            )
            """,
            // Every movement of money, appended once (by key) and never changed: a balance is the
            // sum of its entries, so no total read earlier can be written back over another's.
            """
            CREATE TABLE ledger_entries (
                key TEXT PRIMARY KEY,
                customer_id TEXT NOT NULL,
                asset_id TEXT NOT NULL,
                target TEXT NOT NULL,
                amount TEXT NOT NULL,
                deposit_id TEXT,
                intent_id TEXT,
                reason TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX ledger_entries_by_account ON ledger_entries (customer_id, asset_id, target)",
            """
            INSERT INTO ledger_entries (key, customer_id, asset_id, target, amount, deposit_id, intent_id, reason, created_at)
            SELECT 'opening.' || customer_id || '.' || asset_id, customer_id, asset_id, 'balance', amount, NULL, NULL,
                   'balance kept before the ledger', updated_at
            FROM customer_balances WHERE amount <> '0'
            """,
            """
            INSERT INTO ledger_entries (key, customer_id, asset_id, target, amount, deposit_id, intent_id, reason, created_at)
            SELECT 'apply.' || a.deposit_id || '.' || a.target, d.customer_id, d.asset_id, 'intent:' || a.target, a.amount,
                   a.deposit_id, a.target, 'deposit applied to the intent', a.created_at
            FROM deposit_applications a JOIN deposits d ON d.id = a.deposit_id WHERE a.target <> 'balance'
            """,
            // Credited deposits whose block left the chain were only flagged: now they are reversed,
            // and their credit is taken back.
            "UPDATE deposits SET status = 'reversed', reversals = 1 WHERE reversed_at IS NOT NULL AND credited_at IS NOT NULL",
            """
            INSERT INTO ledger_entries (key, customer_id, asset_id, target, amount, deposit_id, intent_id, reason, created_at)
            SELECT 'reversal.' || id || '.1', customer_id, asset_id, 'balance', '-' || amount, id, NULL,
                   'deposit reversed by a reorg', reversed_at
            FROM deposits WHERE status = 'reversed'
            """,
            "DROP TABLE customer_balances",
        ]),
        (7, "deposit senders", [
            "ALTER TABLE deposits ADD COLUMN sender TEXT",
            "ALTER TABLE deposits ADD COLUMN ignored_reason TEXT",
            "UPDATE deposits SET ignored_reason = 'below the asset''s minimum' WHERE status = 'ignored'",
        ]),
        // Thresholds by amount: the tiers, when there is more than one; `confirmations` keeps the
        // highest, the count of the largest deposits.
        (8, "confirmation tiers", [
            "ALTER TABLE asset_settings ADD COLUMN tiers TEXT",
            "ALTER TABLE config_file_thresholds ADD COLUMN tiers TEXT",
        ]),
        // What the chain itself requires before a deposit's money can be spent (a coinbase's 100).
        (9, "deposit minimum confirmations", [
            "ALTER TABLE deposits ADD COLUMN min_confirmations INTEGER NOT NULL DEFAULT 0",
        ]),
        // Addresses derived offline (Solana has no public derivation): imported, then issued one
        // per customer in import order, never derived from a seed on the server.
        (10, "address pool", [
            """
            CREATE TABLE address_pool (
                network TEXT NOT NULL,
                address TEXT NOT NULL,
                derivation_path TEXT NOT NULL,
                derivation_index BIGINT NOT NULL,
                imported_at BIGINT NOT NULL,
                seq BIGINT NOT NULL,
                customer_id TEXT,
                PRIMARY KEY (network, address)
            )
            """,
            "CREATE INDEX address_pool_free ON address_pool (network, customer_id, seq)",
            "INSERT INTO counters (name, value) VALUES ('seq.address_pool', 0)",
        ]),
        // One active scanner per network across instances: the holder renews its lease; a standby
        // takes it once it has expired on the database's clock.
        (11, "scan leases", [
            "CREATE TABLE scan_leases (network TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at BIGINT NOT NULL)",
        ]),
        // Rate limits counted in the shared database, so they hold across instances.
        (12, "shared rate windows", [
            """
            CREATE TABLE rate_windows (
                key_id TEXT NOT NULL,
                window_start BIGINT NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (key_id, window_start)
            )
            """,
        ]),
        // A merchant archives a customer: kept, its addresses watched, listed only on request.
        (13, "archived customers", [
            "ALTER TABLE customers ADD COLUMN archived_at BIGINT",
        ]),
        // Production and sandbox: customers, keys, endpoints, events and audit records belong to
        // one. A merchant's external id is unique per environment (it moves to a column whose
        // index says so: a column's inline UNIQUE cannot be dropped in SQLite). Assets seen are
        // kept, so history shows in its units after an asset leaves the configuration.
        (14, "environments and asset definitions", [
            "ALTER TABLE customers ADD COLUMN environment TEXT NOT NULL DEFAULT 'production'",
            "ALTER TABLE customers ADD COLUMN merchant_ref TEXT",
            "UPDATE customers SET merchant_ref = external_id, external_id = NULL",
            "CREATE UNIQUE INDEX customers_by_merchant_ref ON customers (environment, merchant_ref)",
            "CREATE INDEX customers_by_environment ON customers (environment, created_at, id)",
            // Customers with addresses on test networks only were test customers.
            """
            UPDATE customers SET environment = 'sandbox'
            WHERE id IN (SELECT customer_id FROM addresses WHERE network IN ('bitcoin-testnet', 'bitcoin-regtest'))
              AND id NOT IN (SELECT customer_id FROM addresses WHERE network NOT IN ('bitcoin-testnet', 'bitcoin-regtest'))
            """,
            "ALTER TABLE api_keys ADD COLUMN environment TEXT NOT NULL DEFAULT 'production'",
            "ALTER TABLE webhook_endpoints ADD COLUMN environment TEXT NOT NULL DEFAULT 'production'",
            "ALTER TABLE events ADD COLUMN environment TEXT NOT NULL DEFAULT 'production'",
            "UPDATE events SET environment = 'sandbox' WHERE data LIKE '%\"network\":\"bitcoin-testnet\"%' OR data LIKE '%\"network\":\"bitcoin-regtest\"%'",
            "CREATE INDEX events_by_environment ON events (environment, created_at, id)",
            "ALTER TABLE audit_events ADD COLUMN environment TEXT NOT NULL DEFAULT 'production'",
            """
            CREATE TABLE asset_definitions (
                asset_id TEXT PRIMARY KEY,
                network TEXT NOT NULL,
                symbol TEXT NOT NULL,
                decimals BIGINT NOT NULL,
                contract TEXT,
                first_seen BIGINT NOT NULL
            )
            """,
        ]),
    ]
}
