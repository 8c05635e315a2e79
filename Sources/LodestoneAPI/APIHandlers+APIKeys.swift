public import Hummingbird
import Foundation
public import LodestoneDomain
import LodestoneCore
import LodestoneStore

/// An API key as listings show it (API and command line): never the secret, only its prefix.
public struct APIKeyBody: ResponseEncodable, Sendable {
    let id: String
    let name: String
    let role: String
    let prefix: String
    let created: String
    let expiresAt: String?
    let revokedAt: String?
    let lastUsedAt: String?
    let environment: String
    let active: Bool
    /// Present only in the answer to creation: the key is shown once.
    let key: String?
    enum CodingKeys: String, CodingKey {
        case id, name, role, prefix, created, active, key, environment
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case lastUsedAt = "last_used_at"
    }

    /// The listing of `r` at `now`; `key` only in the answer to creation.
    public init(_ r: APIKeyRecord, now: Int64, key: String? = nil) {
        id = r.id
        name = r.name
        role = r.role.rawValue
        prefix = r.prefix
        created = rfc3339(r.createdAt)
        expiresAt = r.expiresAt.map(rfc3339)
        revokedAt = r.revokedAt.map(rfc3339)
        lastUsedAt = r.lastUsedAt.map(rfc3339)
        environment = r.environment.rawValue
        active = r.refusal(now: now) == nil
        self.key = key
    }
}

extension APIHandlers {
    func listAPIKeys(_ r: Request, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let now = deps.now()
        return try respond(DataBody(data: try await store.apiKeys().filter { $0.environment == caller.environment }.map { APIKeyBody($0, now: now) }))
    }

    func createAPIKey(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        let name = try body.requiredString("name", maxLength: 64)
        guard APIKeyRecord.isValidName(name) else { throw APIError.invalid("name", "name must be 1 to 64 letters, digits, '-', '_' or '.'") }
        let roleText = try body.requiredString("role", maxLength: 16)
        guard let role = APIKeyRole(rawValue: roleText) else { throw APIError.invalid("role", "role must be service or operator") }
        let expiresIn = try body.int("expires_in", in: 60...(10 * 365 * 86_400))
        var environment = caller.environment
        if body.names("environment") {
            guard let text = try body.string("environment", maxLength: 16), let named = DeploymentEnvironment(rawValue: text) else {
                throw APIError.invalid("environment", "environment must be production or sandbox")
            }
            // Environments are apart over the API too: the other one's keys come from its own
            // operator key, or from `lodestone apikey create` on the server.
            guard named == caller.environment else {
                throw APIError(
                    .forbidden, "environment_mismatch",
                    "this key is for \(caller.environment) and cannot create \(named) keys; use a \(named) operator key or `lodestone apikey create`",
                    param: "environment")
            }
            environment = named
        }
        try body.rejectUnknownFields()
        let now = deps.now()
        let (key, record) = APIKeySecret.issue(
            name: name, role: role, environment: environment, now: now, expiresAt: expiresIn.map { now + $0 * 1000 })
        try await store.createAPIKey(record)
        try await store.recordAudit(
            AuditEvent(
                id: ResourceID.make("aud"), actor: caller.actor, action: "api_key.create", target: record.id, oldValue: nil,
                newValue: "\(role.rawValue) \(name)", createdAt: now, environment: environment))
        return try respond(.created, APIKeyBody(record, now: now, key: key))
    }

    func revokeAPIKey(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        try QueryParameters(r).rejectUnknown()
        let id = try c.parameters.require("id")
        let now = deps.now()
        if let key = try await store.apiKey(id: id) { try Self.sameEnvironment(key.environment, caller, "api key \(id)", param: "id") }
        let record: APIKeyRecord
        do {
            record = try await store.revokeAPIKey(id: id, at: now, actor: caller.actor, now: now)
        } catch StoreError.notFound {
            throw APIError.notFound("api key \(id)", param: "id")
        }
        deps.authenticator.forget(keyID: id)
        return try respond(APIKeyBody(record, now: now))
    }

    func rotateWebhookSecret(_ r: Request, _ c: APIRequestContext, _ caller: APIKeyRecord) async throws -> Response {
        let id = try c.parameters.require("id")
        var request = r
        var body = try await JSONBody.read(&request, context: c)
        // A day by default: long enough for a receiver to deploy the new secret.
        let overlap = try body.int("overlap_seconds", in: 0...(7 * 86_400)) ?? 86_400
        try body.rejectUnknownFields()
        try await checkEndpointEnvironment(id, caller)
        let now = deps.now()
        let endpoint: WebhookEndpoint
        do {
            endpoint = try await store.rotateWebhookSecret(
                id: id, secret: WebhookSignature.newSecret(), overlapUntil: now + overlap * 1000, now: now)
        } catch StoreError.notFound {
            throw APIError.notFound("webhook endpoint \(id)", param: "id")
        }
        try await store.recordAudit(
            AuditEvent(
                id: ResourceID.make("aud"), actor: caller.actor, action: "webhook_endpoint.rotate_secret", target: id, oldValue: nil,
                newValue: "overlap \(overlap) s", createdAt: now, environment: caller.environment))
        return try respond(WebhookEndpointBody(endpoint, showSecret: true))
    }
}
