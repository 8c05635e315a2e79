import Logging
public import LodestoneCore
public import LodestoneDomain
public import LodestoneStore

/// A network as the API lists it.
public struct NetworkStatus: Sendable {
    /// Network id.
    public let id: NetworkID
    /// Whether Lodestone serves it in this deployment.
    public let enabled: Bool
    /// Whether a scanner watches it for deposits (its family can be watched and it has endpoints).
    public let watched: Bool
    /// A status line.
    public init(id: NetworkID, enabled: Bool, watched: Bool) {
        self.id = id
        self.enabled = enabled
        self.watched = watched
    }
}

/// Everything the HTTP API needs, passed in by the composition root.
public struct APIDependencies: Sendable {
    /// Persistence.
    public let store: any Store
    /// Assets and thresholds in force.
    public let assets: AssetRegistry
    /// Address derivation for enabled networks.
    public let issuer: AddressIssuer
    /// Networks listed by `GET /v1/networks`.
    public let networks: [NetworkStatus]
    /// Per-key request limits.
    public let limiter: RateLimiter
    /// Resolves API keys (shared so a revocation here takes effect at once).
    public let authenticator: APIKeyAuthenticator
    /// Current time, unix milliseconds (a parameter so tests can move it).
    public let now: @Sendable () -> Int64
    /// The OpenAPI document served at `/openapi.yaml`.
    public let openAPIDocument: String
    /// Why a webhook URL may not be registered (nil when it may): the deployment's address policy.
    public let webhookURLProblem: @Sendable (String) async -> String?
    /// The scanners' progress, shown by `GET /v1/networks`.
    public let progress: ScanProgressBoard
    /// Networks that issue from an imported address pool, with the level below which a warning fires.
    public let addressPools: [NetworkID: Int]
    /// Re-reads transactions for `POST /v1/deposits/check`; nil where no network is scanned.
    public let transactionChecker: (any TransactionChecking)?

    /// Bundles the dependencies.
    public init(
        store: any Store, assets: AssetRegistry, issuer: AddressIssuer, networks: [NetworkStatus], limiter: RateLimiter,
        now: @escaping @Sendable () -> Int64, openAPIDocument: String,
        webhookURLProblem: @escaping @Sendable (String) async -> String? = { _ in nil }, progress: ScanProgressBoard = ScanProgressBoard(),
        addressPools: [NetworkID: Int] = [:], transactionChecker: (any TransactionChecking)? = nil
    ) {
        self.transactionChecker = transactionChecker
        self.addressPools = addressPools
        self.progress = progress
        self.webhookURLProblem = webhookURLProblem
        self.store = store
        self.assets = assets
        self.issuer = issuer
        self.networks = networks
        self.limiter = limiter
        authenticator = APIKeyAuthenticator(store: store, now: now)
        self.now = now
        self.openAPIDocument = openAPIDocument
    }

    /// Whether deposits on `network` are watched in this deployment.
    func isWatched(_ network: NetworkID) -> Bool { networks.contains { $0.id == network && $0.enabled && $0.watched } }

    /// Networks addresses are issued on: derived here, or taken from an imported pool.
    var issuingNetworks: Set<NetworkID> { issuer.networks.union(addressPools.keys) }

    func enabledNetwork(_ text: String, param: String) throws -> NetworkID {
        guard let network = NetworkID(rawValue: text) else {
            throw APIError.invalid(param, "unknown network '\(text)'")
        }
        guard issuingNetworks.contains(network) else {
            throw APIError.invalid(param, "network \(network) is not enabled in this deployment")
        }
        return network
    }
}
