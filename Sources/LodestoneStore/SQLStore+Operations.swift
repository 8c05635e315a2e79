import LodestoneCore
public import LodestoneDomain

// API keys, thresholds, the audit log and sealed key material: what operators touch.
extension SQLStore {
    public func createAPIKey(_ key: APIKeyRecord) async throws {
        try await database.transaction { db in
            _ = try await db.query(
                """
                INSERT INTO api_keys (id, name, role, key_hash, created_at, prefix, expires_at, revoked_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                [
                    .text(key.id), .text(key.name), .text(key.role.rawValue), .text(key.hash), .int(key.createdAt), .text(key.prefix),
                    key.expiresAt.sql, key.revokedAt.sql,
                ])
        }
    }

    static let apiKeyColumns = "id, name, role, key_hash, created_at, prefix, expires_at, revoked_at, last_used_at"

    static func apiKey(_ row: SQLRow) throws -> APIKeyRecord {
        guard let role = APIKeyRole(rawValue: try row.text(2)) else { throw StoreError.corrupt("api key role") }
        return APIKeyRecord(
            id: try row.text(0), name: try row.text(1), role: role, hash: try row.text(3), createdAt: try row.int(4),
            prefix: try row.text(5), expiresAt: try row.optionalInt(6), revokedAt: try row.optionalInt(7),
            lastUsedAt: try row.optionalInt(8))
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
                    newValue: String(time), createdAt: now), db)
            return key
        }
    }

    public func touchAPIKey(id: String, now: Int64) async throws {
        try await database.transaction { db in
            _ = try await db.query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2", [.int(now), .text(id)])
        }
    }

    public func assetConfirmationOverrides() async throws -> [String: Int] {
        try await database.read { db in
            var out: [String: Int] = [:]
            for row in try await db.query("SELECT asset_id, confirmations FROM asset_settings") {
                out[try row.text(0)] = Int(try row.int(1))
            }
            return out
        }
    }

    static let upsertThreshold = """
        INSERT INTO asset_settings (asset_id, confirmations, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (asset_id) DO UPDATE SET confirmations = excluded.confirmations, updated_at = excluded.updated_at
        """

    public func setAssetConfirmations(assetID: String, confirmations: Int, previous: Int, actor: String, now: Int64)
        async throws
    {
        try await database.transaction { db in
            _ = try await db.query(Self.upsertThreshold, [.text(assetID), .int(Int64(confirmations)), .int(now)])
            try await Self.insertAudit(
                AuditEvent(
                    id: ResourceID.make("aud"), actor: actor, action: "asset.confirmations.updated", target: assetID,
                    oldValue: String(previous), newValue: String(confirmations), createdAt: now), db)
        }
    }

    public func appliedFileThresholds() async throws -> [String: Int] {
        try await database.read { db in
            var out: [String: Int] = [:]
            for row in try await db.query("SELECT asset_id, confirmations FROM config_file_thresholds") {
                out[try row.text(0)] = Int(try row.int(1))
            }
            return out
        }
    }

    public func applyFileThreshold(assetID: String, confirmations: Int, previous: Int, now: Int64) async throws {
        try await database.transaction { db in
            _ = try await db.query(Self.upsertThreshold, [.text(assetID), .int(Int64(confirmations)), .int(now)])
            _ = try await db.query(
                """
                INSERT INTO config_file_thresholds (asset_id, confirmations) VALUES ($1, $2)
                ON CONFLICT (asset_id) DO UPDATE SET confirmations = excluded.confirmations
                """, [.text(assetID), .int(Int64(confirmations))])
            // Recording the file's value always; auditing only a real change.
            guard previous != confirmations else { return }
            try await Self.insertAudit(
                AuditEvent(
                    id: ResourceID.make("aud"), actor: "config-file", action: "asset.confirmations.updated",
                    target: assetID, oldValue: String(previous), newValue: String(confirmations), createdAt: now), db)
        }
    }

    public func recordAudit(_ event: AuditEvent) async throws {
        try await database.transaction { db in try await Self.insertAudit(event, db) }
    }

    static func insertAudit(_ e: AuditEvent, _ db: any SQLExecutor) async throws {
        _ = try await db.query(
            """
            INSERT INTO audit_events (id, actor, action, target, old_value, new_value, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [.text(e.id), .text(e.actor), .text(e.action), .text(e.target), e.oldValue.sql, e.newValue.sql, .int(e.createdAt)])
    }

    public func auditEvents(page: Int, pageSize: Int) async throws -> Page<AuditEvent> {
        try await self.page(
            from: "audit_events", columns: "id, actor, action, target, old_value, new_value, created_at",
            order: "created_at DESC, id DESC", page: page, pageSize: pageSize
        ) { r in
            AuditEvent(
                id: try r.text(0), actor: try r.text(1), action: try r.text(2), target: try r.text(3),
                oldValue: try r.optionalText(4), newValue: try r.optionalText(5), createdAt: try r.int(6))
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
