/// What an API key may do.
public enum APIKeyRole: String, Sendable, Codable, CaseIterable {
    /// The payment service: customers, addresses, intents, deposits.
    case service
    /// Operators: everything, including thresholds, audit log and webhooks.
    case `operator`
}

/// A stored API key: only its hash is kept.
public struct APIKeyRecord: Sendable, Hashable {
    /// `key_…`
    public let id: String
    /// Human label.
    public let name: String
    /// Role.
    public let role: APIKeyRole
    /// Hex SHA-256 of the secret key text.
    public let hash: String
    /// Creation, unix milliseconds.
    public let createdAt: Int64

    /// A key record.
    public init(id: String, name: String, role: APIKeyRole, hash: String, createdAt: Int64) {
        self.id = id
        self.name = name
        self.role = role
        self.hash = hash
        self.createdAt = createdAt
    }
}

/// One operator action, kept for the auditor.
public struct AuditEvent: Sendable, Hashable {
    /// `aud_…`
    public let id: String
    /// Who: `apikey:<name>` or `config-file`.
    public let actor: String
    /// What, e.g. `asset.confirmations.updated`.
    public let action: String
    /// What it was done to, e.g. an asset id.
    public let target: String
    /// Value before.
    public let oldValue: String?
    /// Value after.
    public let newValue: String?
    /// When, unix milliseconds.
    public let createdAt: Int64

    /// An audit record.
    public init(id: String, actor: String, action: String, target: String, oldValue: String?, newValue: String?, createdAt: Int64) {
        self.id = id
        self.actor = actor
        self.action = action
        self.target = target
        self.oldValue = oldValue
        self.newValue = newValue
        self.createdAt = createdAt
    }
}
