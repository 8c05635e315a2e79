import Hummingbird
import Foundation
import LodestoneCore
import LodestoneDomain

/// Metadata text back to a JSON value for output (stored text was produced by the API itself).
func metadataValue(_ text: String?) -> JSONValue? {
    guard let text else { return nil }
    return try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

struct NetworkBody: ResponseEncodable {
    struct Endpoint: Encodable {
        let label: String
        let healthy: Bool
        let problem: String?
        /// The last head it reported, how far that is behind the network's head, and whether it was too old.
        let head: Int64?
        let stale: Bool
        let lag: Int64?
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(label, forKey: .label)
            try c.encode(healthy, forKey: .healthy)
            try c.encode(problem, forKey: .problem)  // explicit null when healthy
            try c.encode(head, forKey: .head)
            try c.encode(lag, forKey: .lag)
            try c.encode(stale, forKey: .stale)
        }
        enum CodingKeys: String, CodingKey { case label, healthy, problem, head, lag, stale }
    }

    let id: String
    let name: String
    let family: String
    let chainID: UInt64?
    let enabled: Bool
    let watched: Bool
    /// The scanner's last report; nil before its first step (and on networks not watched).
    let progress: ScanProgress?
    /// The imported address pool, on networks that issue from one.
    let addressPool: Pool?
    /// Seconds since the scan was last at the head.
    let lagSeconds: Int64?
    /// `production` or `sandbox`.
    let environment: String
    /// Tokens refused at start because their contract contradicts their definition.
    let refusedAssets: [RefusedAsset]

    struct RefusedAsset: Encodable {
        let asset: String
        let reason: String
    }

    struct Pool: Encodable {
        let remaining: Int
        let lowWater: Int
        /// Below the operator's level: time to import more.
        var low: Bool { remaining < lowWater }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(remaining, forKey: .remaining)
            try c.encode(lowWater, forKey: .lowWater)
            try c.encode(low, forKey: .low)
        }
        enum CodingKeys: String, CodingKey {
            case remaining, low
            case lowWater = "low_water"
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, family, enabled, watched, lag, endpoints, lease, environment
        case refusedAssets = "refused_assets"
        case addressPool = "address_pool"
        case lagSeconds = "lag_seconds"
        case chainID = "chain_id"
        case headHeight = "head_height"
        case scannedHeight = "scanned_height"
        case updated
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(family, forKey: .family)
        try c.encode(environment, forKey: .environment)
        try c.encode(refusedAssets, forKey: .refusedAssets)
        try c.encode(chainID, forKey: .chainID)  // explicit null outside EVM
        try c.encode(enabled, forKey: .enabled)
        try c.encode(watched, forKey: .watched)
        // Explicit nulls until the scanner has reported.
        try c.encode(progress?.headHeight, forKey: .headHeight)
        try c.encode(progress?.scannedHeight, forKey: .scannedHeight)
        try c.encode(progress?.lag, forKey: .lag)
        try c.encode(lagSeconds, forKey: .lagSeconds)
        try c.encode(progress?.lease?.rawValue, forKey: .lease)
        try c.encode(progress?.updatedAt.map(rfc3339), forKey: .updated)
        try c.encode(
            (progress?.endpoints ?? []).map { e in
                Endpoint(
                    label: e.label, healthy: e.healthy, problem: e.problem, head: e.head, stale: e.stale,
                    lag: e.head.flatMap { h in progress?.headHeight.map { max(0, $0 - h) } })
            }, forKey: .endpoints)
        try c.encodeIfPresent(addressPool, forKey: .addressPool)
    }
}

struct AssetBody: ResponseEncodable {
    struct Tier: Encodable {
        let upTo: String
        let confirmations: Int
        enum CodingKeys: String, CodingKey { case upTo = "up_to", confirmations }
    }

    let id: String
    let network: String
    let symbol: String
    let decimals: Int
    let contract: String?
    let confirmations: Int
    let confirmationTiers: [Tier]

    init(_ a: Asset) {
        id = a.id
        network = a.network.rawValue
        symbol = a.symbol
        decimals = a.decimals
        contract = a.contract
        confirmations = a.threshold.highest
        confirmationTiers = a.threshold.bounded.compactMap { tier in
            tier.upTo.map { Tier(upTo: $0.decimalString(decimals: a.decimals), confirmations: tier.confirmations) }
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(network, forKey: .network)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(decimals, forKey: .decimals)
        try c.encode(contract, forKey: .contract)  // explicit null for native coins
        try c.encode(confirmations, forKey: .confirmations)
        try c.encode(confirmationTiers, forKey: .confirmationTiers)
    }
    enum CodingKeys: String, CodingKey {
        case id, network, symbol, decimals, contract, confirmations
        case confirmationTiers = "confirmation_tiers"
    }
}

struct CustomerBody: ResponseEncodable {
    let id: String
    let externalID: String?
    let email: String?
    let metadata: JSONValue?
    let created: String
    let archivedAt: String?
    let environment: String

    init(_ c: Customer) {
        id = c.id
        environment = c.environment.rawValue
        externalID = c.externalID
        email = c.email
        metadata = metadataValue(c.metadata)
        created = rfc3339(c.createdAt)
        archivedAt = c.archivedAt.map(rfc3339)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(externalID, forKey: .externalID)
        try c.encode(email, forKey: .email)
        try c.encode(metadata ?? .null, forKey: .metadata)
        try c.encode(created, forKey: .created)
        try c.encode(archivedAt != nil, forKey: .archived)
        try c.encode(archivedAt, forKey: .archivedAt)
        try c.encode(environment, forKey: .environment)
    }
    enum CodingKeys: String, CodingKey {
        case id, email, metadata, created, archived, environment
        case archivedAt = "archived_at"
        case externalID = "external_id"
    }
}

struct AddressBody: ResponseEncodable {
    let address: String
    let network: String
    let customer: String
    let derivationPath: String
    let index: UInt32
    let created: String
    /// Whether deposits to it are watched in this deployment now.
    let watched: Bool
    /// Solana: the address's associated token account for each token asset (absent elsewhere).
    let tokenAccounts: [TokenAccountBody]?

    init(_ a: CustomerAddress, watched: Bool) {
        address = a.address
        network = a.network
        customer = a.customerID
        derivationPath = a.derivationPath
        index = a.index
        created = rfc3339(a.createdAt)
        self.watched = watched
        tokenAccounts = NetworkID(rawValue: a.network)?.family == .solana
            ? (try? SolanaTokenAccounts.entries(owner: a.address, assets: NetworkID(rawValue: a.network).map(AssetCatalog.all(for:)) ?? []))?.map(TokenAccountBody.init)
            : nil
    }
    enum CodingKeys: String, CodingKey {
        case address, network, customer, index, created, watched
        case derivationPath = "derivation_path"
        case tokenAccounts = "token_accounts"
    }
}

/// A Solana token asset's associated token account of an address.
struct TokenAccountBody: Encodable, Sendable {
    let asset: String
    let mint: String
    let tokenProgram: String
    let address: String

    init(_ e: SolanaTokenAccounts.Entry) {
        asset = e.assetID
        mint = e.mint
        tokenProgram = e.tokenProgram
        address = e.address
    }
    enum CodingKeys: String, CodingKey {
        case asset, mint, address
        case tokenProgram = "token_program"
    }
}

struct PaymentIntentBody: ResponseEncodable {
    let intent: PaymentIntent
    let decimals: Int

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(intent.id, forKey: .id)
        try c.encode(intent.status.rawValue, forKey: .status)
        try c.encode(intent.assetID, forKey: .asset)
        try c.encode(intent.network.rawValue, forKey: .network)
        try c.encode(intent.amount.decimalString(decimals: decimals), forKey: .amount)
        try c.encode(intent.amountReceived.decimalString(decimals: decimals), forKey: .amountReceived)
        try c.encode(intent.depositAddress, forKey: .depositAddress)
        // A Solana token may be sent to the owner (the wallet finds or creates its token account)
        // or straight to that associated token account.
        let tokenAccount = intent.network.family == .solana
            ? (try? SolanaTokenAccounts.entries(owner: intent.depositAddress, assets: AssetCatalog.all(for: intent.network)))?.first { $0.assetID == intent.assetID }?.address
            : nil
        try c.encode(tokenAccount, forKey: .depositTokenAccount)
        try c.encode(intent.confirmationsRequired, forKey: .confirmationsRequired)
        try c.encode(intent.customerID, forKey: .customer)
        try c.encode(intent.merchantOrderID, forKey: .merchantOrderID)
        try c.encode(metadataValue(intent.metadata) ?? .null, forKey: .metadata)
        try c.encode(rfc3339(intent.expiresAt), forKey: .expiresAt)
        try c.encode(rfc3339(intent.createdAt), forKey: .created)
    }
    enum CodingKeys: String, CodingKey {
        case id, status, asset, network, amount, customer, metadata, created
        case amountReceived = "amount_received"
        case depositAddress = "deposit_address"
        case depositTokenAccount = "deposit_token_account"
        case confirmationsRequired = "confirmations_required"
        case merchantOrderID = "merchant_order_id"
        case expiresAt = "expires_at"
    }
}

/// The API's deposit: the representation `deposit.*` events carry too.
typealias DepositBody = DepositRepresentation

struct AuditEventBody: ResponseEncodable {
    let id: String
    let actor: String
    let action: String
    let target: String
    let oldValue: String?
    let newValue: String?
    let created: String

    init(_ e: AuditEvent) {
        id = e.id
        actor = e.actor
        action = e.action
        target = e.target
        oldValue = e.oldValue
        newValue = e.newValue
        created = rfc3339(e.createdAt)
    }
    enum CodingKeys: String, CodingKey {
        case id, actor, action, target, created
        case oldValue = "old_value"
        case newValue = "new_value"
    }

    // The document requires both values, null when there is none.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(actor, forKey: .actor)
        try c.encode(action, forKey: .action)
        try c.encode(target, forKey: .target)
        try c.encode(oldValue, forKey: .oldValue)
        try c.encode(newValue, forKey: .newValue)
        try c.encode(created, forKey: .created)
    }
}

/// A page of results: `{data, page, page_size, total}`.
struct ListBody<Item: Encodable & Sendable>: ResponseEncodable {
    let data: [Item]
    let page: Int
    let pageSize: Int
    let total: Int
    var hasMore: Bool { page * pageSize < total }
    enum CodingKeys: String, CodingKey {
        case data, page, total
        case pageSize = "page_size"
        case hasMore = "has_more"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(data, forKey: .data)
        try c.encode(page, forKey: .page)
        try c.encode(pageSize, forKey: .pageSize)
        try c.encode(total, forKey: .total)
        try c.encode(hasMore, forKey: .hasMore)
    }
}

/// A cursor page: `{data, page_size, has_more}`, no total (nothing is counted).
struct CursorListBody<Item: Encodable & Sendable>: ResponseEncodable {
    let data: [Item]
    let pageSize: Int
    let hasMore: Bool
    enum CodingKeys: String, CodingKey {
        case data
        case pageSize = "page_size"
        case hasMore = "has_more"
    }
}

/// A plain list without paging: `{data}`.
struct DataBody<Item: Encodable & Sendable>: ResponseEncodable {
    let data: [Item]
}

struct BalanceBody: ResponseEncodable {
    let asset: String
    let amount: String
}

/// An outbox event as webhooks will carry it: `{id, type, created, data}`.
/// An event as listed: the envelope webhooks deliver.
typealias EventBody = EventEnvelope

struct WebhookEndpointBody: ResponseEncodable {
    let id: String
    let url: String
    let events: [String]
    let created: String
    /// Present only in the answer to creation or rotation: the secret is shown once.
    let secret: String?
    /// Until when the secret a rotation replaced is still signed with.
    let previousSecretExpiresAt: String?
    /// Whose events it receives.
    let environment: String
    enum CodingKeys: String, CodingKey {
        case id, url, events, created, secret, environment
        case previousSecretExpiresAt = "previous_secret_expires_at"
    }

    init(_ e: WebhookEndpoint, showSecret: Bool) {
        id = e.id
        environment = e.environment.rawValue
        url = e.url
        events = e.events.map(\.rawValue)
        created = rfc3339(e.createdAt)
        secret = showSecret ? e.secret : nil
        previousSecretExpiresAt = e.previousSecret == nil ? nil : e.previousSecretExpiresAt.map(rfc3339)
    }
}

struct DeletedBody: ResponseEncodable {
    let id: String
    let deleted: Bool
}

struct DeliveryAttemptBody: ResponseEncodable {
    let attempt: Int
    let attemptedAt: String
    let statusCode: Int?
    let durationMs: Int64
    let error: String?
    enum CodingKeys: String, CodingKey {
        case attempt, error
        case attemptedAt = "attempted_at"
        case statusCode = "status_code"
        case durationMs = "duration_ms"
    }
}

struct DeliveryBody: ResponseEncodable {
    let endpoint: String
    let status: String
    let nextAttemptAt: String?
    let attempts: [DeliveryAttemptBody]
    enum CodingKeys: String, CodingKey {
        case endpoint, status, attempts
        case nextAttemptAt = "next_attempt_at"
    }
}

struct EventDetailBody: ResponseEncodable {
    let id: String
    let type: String
    let created: String
    let data: JSONValue
    let environment: String
    let livemode: Bool
    let deliveries: [DeliveryBody]

    init(event: OutboxEvent, deliveries: [DeliveryRecord]) {
        let base = EventBody(event)
        id = base.id
        type = base.type
        created = base.created
        data = base.data
        environment = base.environment
        livemode = base.livemode
        self.deliveries = deliveries.map { d in
            DeliveryBody(
                endpoint: d.endpointID, status: d.status.rawValue, nextAttemptAt: d.nextAttemptAt.map(rfc3339),
                attempts: d.attempts.map {
                    DeliveryAttemptBody(
                        attempt: $0.attempt, attemptedAt: rfc3339($0.attemptedAt), statusCode: $0.statusCode, durationMs: $0.durationMillis,
                        error: $0.error)
                })
        }
    }
}
