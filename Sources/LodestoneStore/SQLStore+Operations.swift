public import LodestoneCore
public import LodestoneDomain

// API keys, thresholds, the audit log and sealed key material: what operators touch.
extension SQLStore {
    public func createAPIKey(_ key: APIKeyRecord) async throws {
        try await database.transaction { db in
            _ = try await db.query(
                """
                INSERT INTO api_keys (id, name, role, key_hash, created_at, prefix, expires_at, revoked_at, environment)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                [
                    .text(key.id), .text(key.name), .text(key.role.rawValue), .text(key.hash), .int(key.createdAt), .text(key.prefix),
                    key.expiresAt.sql, key.revokedAt.sql, .text(key.environment.rawValue),
                ])
        }
    }

    static let apiKeyColumns = "id, name, role, key_hash, created_at, prefix, expires_at, revoked_at, last_used_at, environment"

    static func apiKey(_ row: SQLRow) throws -> APIKeyRecord {
        guard let role = APIKeyRole(rawValue: try row.text(2)) else { throw StoreError.corrupt("api key role") }
        return APIKeyRecord(
            id: try row.text(0), name: try row.text(1), role: role, hash: try row.text(3), createdAt: try row.int(4),
            prefix: try row.text(5), expiresAt: try row.optionalInt(6), revokedAt: try row.optionalInt(7),
            lastUsedAt: try row.optionalInt(8), environment: DeploymentEnvironment(rawValue: try row.text(9)) ?? .production)
    }

    public func apiKey(hash: String) async throws -> APIKeyRecord? {
        try await database.read { db in
            try await db.query("SELECT \(Self.apiKeyColumns) FROM api_keys WHERE key_hash = $1", [.text(hash)]).first.map(Self.apiKey)
        }
    }

    public func apiKey(id: String) async throws -> APIKeyRecord? {
        try await database.read { db in
            try await db.query("SELECT \(Self.apiKeyColumns) FROM api_keys WHERE id = $1", [.text(id)]).first.map(Self.apiKey)
        }
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        try await database.read { db in
            try await db.query("SELECT \(Self.apiKeyColumns) FROM api_keys ORDER BY created_at, id").map(Self.apiKey)
        }
    }

    public func revokeAPIKey(id: String, at time: Int64, actor: String, now: Int64) async throws -> APIKeyRecord {
        try await database.transaction { db in
            guard var key = try await db.query("SELECT \(Self.apiKeyColumns) FROM api_keys WHERE id = $1", [.text(id)]).first.map(Self.apiKey)
            else { throw StoreError.notFound("api key \(id)") }
            // An earlier revocation stands; a later one never extends a key's life.
            if let revoked = key.revokedAt, revoked <= time { return key }
            key.revokedAt = time
            _ = try await db.query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2", [.int(time), .text(id)])
            try await Self.insertAudit(
                AuditEvent(
                    id: ResourceID.make("aud"), actor: actor, action: "api_key.revoke", target: id, oldValue: nil,
                    newValue: String(time), createdAt: now, environment: key.environment), db)
            return key
        }
    }

    public func touchAPIKey(id: String, now: Int64) async throws {
        try await database.transaction { db in
            _ = try await db.query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2", [.int(now), .text(id)])
        }
    }

    public func assetConfirmationOverrides() async throws -> [String: ConfirmationThreshold] {
        try await database.read { db in try Self.thresholds(try await db.query("SELECT asset_id, confirmations, tiers FROM asset_settings")) }
    }

    /// Thresholds by asset id from rows of (asset id, confirmations, tiers or null).
    static func thresholds(_ rows: [SQLRow]) throws -> [String: ConfirmationThreshold] {
        var out: [String: ConfirmationThreshold] = [:]
        for row in rows {
            if let text = try row.optionalText(2) {
                guard let threshold = ConfirmationThreshold(storageText: text) else { throw StoreError.corrupt("confirmation tiers") }
                out[try row.text(0)] = threshold
            } else {
                out[try row.text(0)] = ConfirmationThreshold(Int(try row.int(1)))
            }
        }
        return out
    }

    /// The columns a threshold is kept in: the highest count (what older versions read) and the
    /// tiers, only when there is more than one.
    static func columns(_ t: ConfirmationThreshold) -> [SQLValue] {
        [.int(Int64(t.highest)), t.isFlat ? .null : .text(t.storageText)]
    }

    static func audit(
        _ assetID: String, actor: String, from previous: ConfirmationThreshold, to threshold: ConfirmationThreshold, now: Int64, _ db: any SQLExecutor
    ) async throws -> AuditEvent {
        let decimals = try await assetDecimals(assetID, db) ?? 0
        return AuditEvent(
            id: ResourceID.make("aud"), actor: actor, action: "asset.confirmations.updated", target: assetID,
            oldValue: previous.auditText(decimals: decimals), newValue: threshold.auditText(decimals: decimals), createdAt: now,
            environment: try await assetNetwork(assetID, db)?.environment ?? .production)
    }

    static let upsertThreshold = """
        INSERT INTO asset_settings (asset_id, confirmations, tiers, updated_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (asset_id) DO UPDATE SET confirmations = excluded.confirmations, tiers = excluded.tiers, updated_at = excluded.updated_at
        """

    public func setAssetThreshold(
        assetID: String, threshold: ConfirmationThreshold, previous: ConfirmationThreshold, actor: String, now: Int64
    ) async throws {
        try await database.transaction { db in
            _ = try await db.query(Self.upsertThreshold, [.text(assetID)] + Self.columns(threshold) + [.int(now)])
            try await Self.insertAudit(try await Self.audit(assetID, actor: actor, from: previous, to: threshold, now: now, db), db)
        }
    }

    public func appliedFileThresholds() async throws -> [String: ConfirmationThreshold] {
        try await database.read { db in
            try Self.thresholds(try await db.query("SELECT asset_id, confirmations, tiers FROM config_file_thresholds"))
        }
    }

    public func applyFileThreshold(assetID: String, threshold: ConfirmationThreshold, previous: ConfirmationThreshold, now: Int64)
        async throws
    {
        try await database.transaction { db in
            _ = try await db.query(Self.upsertThreshold, [.text(assetID)] + Self.columns(threshold) + [.int(now)])
            _ = try await db.query(
                """
                INSERT INTO config_file_thresholds (asset_id, confirmations, tiers) VALUES ($1, $2, $3)
                ON CONFLICT (asset_id) DO UPDATE SET confirmations = excluded.confirmations, tiers = excluded.tiers
                """, [.text(assetID)] + Self.columns(threshold))
            // Recording the file's value always; auditing only a real change.
            guard previous != threshold else { return }
            try await Self.insertAudit(try await Self.audit(assetID, actor: "config-file", from: previous, to: threshold, now: now, db), db)
        }
    }

    public func recordAudit(_ event: AuditEvent) async throws {
        try await database.transaction { db in try await Self.insertAudit(event, db) }
    }

    static func insertAudit(_ e: AuditEvent, _ db: any SQLExecutor) async throws {
        _ = try await db.query(
            """
            INSERT INTO audit_events (id, actor, action, target, old_value, new_value, created_at, environment)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            [
                .text(e.id), .text(e.actor), .text(e.action), .text(e.target), e.oldValue.sql, e.newValue.sql, .int(e.createdAt),
                .text(e.environment.rawValue),
            ])
    }

    public func auditEvents(environment: DeploymentEnvironment?, page: Int, pageSize: Int) async throws -> Page<AuditEvent> {
        var filter = SQLFilter()
        filter.equal("environment", environment?.rawValue)
        return try await self.page(
            from: "audit_events", columns: "id, actor, action, target, old_value, new_value, created_at, environment", filter: filter,
            order: "created_at DESC, id DESC", page: page, pageSize: pageSize
        ) { r in
            AuditEvent(
                id: try r.text(0), actor: try r.text(1), action: try r.text(2), target: try r.text(3),
                oldValue: try r.optionalText(4), newValue: try r.optionalText(5), createdAt: try r.int(6),
                environment: DeploymentEnvironment(rawValue: try r.text(7)) ?? .production)
        }
    }

    public func sealedKey(name: String) async throws -> String? {
        try await database.read { db in
            try await db.query("SELECT sealed FROM key_material WHERE name = $1", [.text(name)]).first?.text(0)
        }
    }

    public func storeSealedKey(name: String, sealed: String, now: Int64) async throws {
        try await database.transaction { db in
            guard try await db.query("SELECT name FROM key_material WHERE name = $1", [.text(name)]).isEmpty else {
                throw StoreError.conflict(field: "key_material", existingID: name)
            }
            _ = try await db.query(
                "INSERT INTO key_material (name, sealed, created_at) VALUES ($1, $2, $3)",
                [.text(name), .text(sealed), .int(now)])
        }
    }
}
