public import LodestoneCore

/// What an API key may do.
public enum APIKeyRole: String, Sendable, Codable, CaseIterable {
    /// The payment service: customers, addresses, intents, deposits.
    case service
    /// Operators: everything, including thresholds, audit log and webhooks.
    case `operator`
}

/// A stored API key: only its hash is kept, with a short prefix to recognise it by.
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
    /// The key's first characters (`lsk_` and a few more), shown in listings instead of the secret.
    public let prefix: String
    /// After this unix millisecond the key is refused; nil for no expiry.
    public var expiresAt: Int64?
    /// When it was revoked, unix milliseconds; a revoked key is refused at once.
    public var revokedAt: Int64?
    /// Last successful authentication, unix milliseconds (updated at most once a minute).
    public var lastUsedAt: Int64?
    /// The environment whose data the key sees and changes, and no other's.
    public let environment: DeploymentEnvironment

    /// A key record.
    public init(
        id: String, name: String, role: APIKeyRole, hash: String, createdAt: Int64, prefix: String = "",
        expiresAt: Int64? = nil, revokedAt: Int64? = nil, lastUsedAt: Int64? = nil, environment: DeploymentEnvironment = .production
    ) {
        self.environment = environment
        self.id = id
        self.name = name
        self.role = role
        self.hash = hash
        self.createdAt = createdAt
        self.prefix = prefix
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    /// Why the key may not be used at `now` (unix ms), or nil when it may.
    public func refusal(now: Int64) -> String? {
        if let revokedAt, revokedAt <= now { return "this API key was revoked" }
        if let expiresAt, expiresAt <= now { return "this API key has expired" }
        return nil
    }

    /// Whether `name` is a valid key label: 1 to 64 ASCII letters, digits, '-', '_' or '.'.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// How the audit log names the key.
    public var actor: String { "apikey:\(name)" }
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
    /// The environment of what was changed: only its operators read the record.
    public let environment: DeploymentEnvironment

    /// An audit record.
    public init(
        id: String, actor: String, action: String, target: String, oldValue: String?, newValue: String?, createdAt: Int64,
        environment: DeploymentEnvironment
    ) {
        self.environment = environment
        self.id = id
        self.actor = actor
        self.action = action
        self.target = target
        self.oldValue = oldValue
        self.newValue = newValue
        self.createdAt = createdAt
    }
}
