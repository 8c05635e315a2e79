public import LodestoneCore
public import LodestoneDomain

/// A page of results and the total count.
public struct Page<T: Sendable>: Sendable {
    /// Items on this page.
    public let items: [T]
    /// Items across all pages.
    public let total: Int
}

/// Where a cursor page starts: after an item (the next page) or before one (the previous page).
public enum PageCursor: Sendable, Equatable {
    /// Items after this id, in listing order.
    case after(String)
    /// Items before this id, in listing order.
    case before(String)
}

/// One page of a cursor listing: no total is counted, so millions of rows cost the same as ten.
public struct CursorPage<T: Sendable>: Sendable {
    /// Items on this page, in listing order.
    public let items: [T]
    /// Whether more items follow in the direction asked.
    public let hasMore: Bool
}

/// Filter for payment intent listings.
public struct PaymentIntentFilter: Sendable {
    /// Owner.
    public var customerID: String?
    /// Status.
    public var status: PaymentIntentStatus?
    /// Merchant's order reference.
    public var merchantOrderID: String?
    /// Created at or after (unix milliseconds).
    public var createdGTE: Int64?
    /// Created at or before (unix milliseconds).
    public var createdLTE: Int64?
    /// Only intents on this environment's networks.
    public var environment: DeploymentEnvironment?
    /// An empty filter.
    public init(customerID: String? = nil, status: PaymentIntentStatus? = nil, merchantOrderID: String? = nil) {
        self.customerID = customerID
        self.status = status
        self.merchantOrderID = merchantOrderID
    }
}

/// Filter for event listings.
public struct EventFilter: Sendable {
    /// Event type.
    public var type: EventType?
    /// Created at or after (unix milliseconds).
    public var createdGTE: Int64?
    /// Created at or before (unix milliseconds).
    public var createdLTE: Int64?
    /// Only this environment's events.
    public var environment: DeploymentEnvironment?
    /// An empty filter.
    public init(type: EventType? = nil) { self.type = type }
}

/// Filter for deposit listings.
public struct DepositFilter: Sendable {
    /// Owner.
    public var customerID: String?
    /// Receiving address (canonical text).
    public var address: String?
    /// Asset id.
    public var assetID: String?
    /// Status.
    public var status: DepositStatus?
    /// Network id.
    public var network: NetworkID?
    /// Transaction hash in each form a chain may write it (any of them matches).
    public var txHashes: [String]?
    /// Recorded at or after (unix milliseconds).
    public var createdGTE: Int64?
    /// Recorded at or before (unix milliseconds).
    public var createdLTE: Int64?
    /// Only deposits on this environment's networks.
    public var environment: DeploymentEnvironment?
    /// An empty filter.
    public init(customerID: String? = nil, address: String? = nil, assetID: String? = nil, status: DepositStatus? = nil) {
        self.customerID = customerID
        self.address = address
        self.assetID = assetID
        self.status = status
    }
}

/// What a new payment intent needs; the store fills in the deposit address and the id.
public struct NewPaymentIntent: Sendable {
    /// The asset.
    public let asset: Asset
    /// Base units.
    public let amount: Amount
    /// Owner.
    public let customerID: String
    /// The customer's deposit address on the asset's network.
    public let depositAddress: String
    /// Merchant's order reference.
    public let merchantOrderID: String?
    /// Metadata JSON text.
    public let metadata: String?
    /// Seconds until expiry.
    public let expiresIn: Int64
    /// Idempotency-Key header, if sent.
    public let idempotencyKey: String?
    /// Hash of the request body, to tell a retry from a different request.
    public let requestHash: String

    /// A new intent request.
    public init(
        asset: Asset, amount: Amount, customerID: String, depositAddress: String, merchantOrderID: String?, metadata: String?, expiresIn: Int64,
        idempotencyKey: String?, requestHash: String
    ) {
        self.asset = asset
        self.amount = amount
        self.customerID = customerID
        self.depositAddress = depositAddress
        self.merchantOrderID = merchantOrderID
        self.metadata = metadata
        self.expiresIn = expiresIn
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
    }
}

/// Derives the address for an HD index on a network; the store calls it inside the allocating transaction.
public typealias AddressDerivation = @Sendable (_ network: NetworkID, _ index: UInt32) throws -> DerivedAddress

/// What the API and the services persist. One contract, two implementations (SQLite, PostgreSQL),
/// one test suite. What the scanners keep is their own port (`ScanLedger`), which `SQLStore` also implements.
public protocol Store: Sendable {
    /// Brings the schema up to date; safe to call at every start.
    func migrate() async throws

    /// Creates a customer in `environment`; `conflict` when `externalID` is taken there.
    func createCustomer(externalID: String?, email: String?, metadata: String?, environment: DeploymentEnvironment, now: Int64) async throws
        -> Customer
    /// A customer by id.
    func customer(id: String) async throws -> Customer?
    /// Customers, oldest first.
    func customers(page: Int, pageSize: Int) async throws -> Page<Customer>
    /// Customers (of one environment, when given), oldest first; archived ones only when asked for.
    func customers(includeArchived: Bool, environment: DeploymentEnvironment?, page: Int, pageSize: Int) async throws -> Page<Customer>
    /// Customers from a cursor, oldest first; nil when the cursor's customer does not exist.
    func customers(includeArchived: Bool, environment: DeploymentEnvironment?, from cursor: PageCursor, pageSize: Int) async throws
        -> CursorPage<Customer>?
    /// Changes a customer's external id, email or metadata (audited); `conflict` on a taken external id.
    func updateCustomer(id: String, _ change: CustomerChange, actor: String, now: Int64) async throws -> Customer
    /// Archives a customer (audited; a repeat changes nothing): it stays, with its addresses watched.
    func archiveCustomer(id: String, actor: String, now: Int64) async throws -> Customer

    /// The customer's address on `network`, creating it (and the customer's HD index) on first use.
    /// Returns the address and whether this call created it.
    /// The customer's address on a network that issues from an imported pool (taking the next one
    /// on first request); `addressPoolEmpty` when none is left.
    func issuePooledAddress(customerID: String, network: NetworkID, now: Int64) async throws -> (CustomerAddress, created: Bool)
    /// Pooled addresses of `network` not issued yet.
    func poolRemaining(network: NetworkID) async throws -> Int
    func issueAddress(customerID: String, network: NetworkID, now: Int64, derive: AddressDerivation) async throws
        -> (CustomerAddress, created: Bool)
    /// All of a customer's addresses.
    func addresses(customerID: String) async throws -> [CustomerAddress]
    /// The address record whose matching key is `parsed`, on any network of its family, owned by
    /// a customer of `environment`.
    func address(matching parsed: ParsedAddress, environment: DeploymentEnvironment) async throws -> CustomerAddress?

    /// Creates an intent (or returns the one an idempotency key already made, with `created == false`).
    func createPaymentIntent(_ new: NewPaymentIntent, now: Int64) async throws -> (PaymentIntent, created: Bool)
    /// An intent by id.
    func paymentIntent(id: String) async throws -> PaymentIntent?
    /// Changes an intent's metadata, merchant order id or (while unpaid) expiry, audited;
    /// `refused` naming the field when the change is not allowed.
    func updatePaymentIntent(id: String, _ change: PaymentIntentChange, actor: String, now: Int64) async throws -> PaymentIntent
    /// Intents matching `filter`, newest first.
    func paymentIntents(_ filter: PaymentIntentFilter, page: Int, pageSize: Int) async throws -> Page<PaymentIntent>
    /// Intents from a cursor, newest first; nil when the cursor's intent does not exist.
    func paymentIntents(_ filter: PaymentIntentFilter, from cursor: PageCursor, pageSize: Int) async throws -> CursorPage<PaymentIntent>?
    /// Cancels an open intent; `invalidState` once it has succeeded or expired.
    func cancelPaymentIntent(id: String, now: Int64) async throws -> PaymentIntent
    /// Marks open intents whose expiry has passed as expired; returns them.
    func expirePaymentIntents(now: Int64) async throws -> [PaymentIntent]

    /// Stores a new API key (hash only).
    func createAPIKey(_ key: APIKeyRecord) async throws
    /// The key with this hash.
    func apiKey(hash: String) async throws -> APIKeyRecord?
    /// The key with this id.
    func apiKey(id: String) async throws -> APIKeyRecord?
    /// Every key, revoked and expired ones included, oldest first.
    func apiKeys() async throws -> [APIKeyRecord]
    /// Revokes a key from `time` on (now, or later for a rotation's overlap) and audits it;
    /// an earlier revocation stands. `notFound` for an unknown id.
    func revokeAPIKey(id: String, at time: Int64, actor: String, now: Int64) async throws -> APIKeyRecord
    /// Records that the key authenticated a request at `now`.
    func touchAPIKey(id: String, now: Int64) async throws

    /// Threshold overrides set through the API, by asset id.
    func assetConfirmationOverrides() async throws -> [String: ConfirmationThreshold]
    /// Sets an asset's threshold and records the change in the audit log, in one transaction.
    func setAssetThreshold(assetID: String, threshold: ConfirmationThreshold, previous: ConfirmationThreshold, actor: String, now: Int64)
        async throws
    /// The thresholds the config file had when last applied, by asset id.
    func appliedFileThresholds() async throws -> [String: ConfirmationThreshold]
    /// Applies a config-file threshold: sets it, remembers it as applied, audits it (actor `config-file`).
    func applyFileThreshold(assetID: String, threshold: ConfirmationThreshold, previous: ConfirmationThreshold, now: Int64) async throws
    /// Appends an audit event.
    func recordAudit(_ event: AuditEvent) async throws
    /// Audit events (of one environment, when given), newest first.
    func auditEvents(environment: DeploymentEnvironment?, page: Int, pageSize: Int) async throws -> Page<AuditEvent>
    /// Decimals of an asset as its history was recorded (the catalog's for one never recorded); nil when unknown.
    func assetDecimals(assetID: String) async throws -> Int?

    /// Sealed (encrypted) key material by name.
    func sealedKey(name: String) async throws -> String?
    /// Stores sealed key material once; `conflict` if the name exists.
    func storeSealedKey(name: String, sealed: String, now: Int64) async throws

    /// A customer's unapplied balances, by asset id.
    func balances(customerID: String) async throws -> [String: LedgerAmount]
    /// Outbox events, oldest first.
    func events(page: Int, pageSize: Int) async throws -> Page<OutboxEvent>
    /// Events matching `filter`, oldest first.
    func events(_ filter: EventFilter, page: Int, pageSize: Int) async throws -> Page<OutboxEvent>
    /// Events from a cursor, oldest first; nil when the cursor's event does not exist.
    func events(_ filter: EventFilter, from cursor: PageCursor, pageSize: Int) async throws -> CursorPage<OutboxEvent>?

    /// Deposits matching `filter`, newest first.
    func deposits(_ filter: DepositFilter, page: Int, pageSize: Int) async throws -> Page<Deposit>
    /// Deposits from a cursor, newest first; nil when the cursor's deposit does not exist.
    func deposits(_ filter: DepositFilter, from cursor: PageCursor, pageSize: Int) async throws -> CursorPage<Deposit>?
    /// A deposit by id.
    func deposit(id: String) async throws -> Deposit?

    /// Registers a webhook endpoint for one environment's events.
    func createWebhookEndpoint(url: String, events: [EventType], secret: String, environment: DeploymentEnvironment, now: Int64) async throws
        -> WebhookEndpoint
    /// Replaces an endpoint's signing secret; the old one is kept for signing until `overlapUntil`
    /// (unix ms; not at all when that is not after `now`). `notFound` for an unknown or deleted endpoint.
    func rotateWebhookSecret(id: String, secret: String, overlapUntil: Int64, now: Int64) async throws -> WebhookEndpoint
    /// Endpoints not deleted, oldest first.
    func webhookEndpoints() async throws -> [WebhookEndpoint]
    /// Deletes an endpoint and cancels what was still owed to it; `notFound` if there is none.
    func deleteWebhookEndpoint(id: String, now: Int64) async throws
    /// Deliveries whose next attempt is due, oldest first.
    func dueDeliveries(now: Int64, limit: Int) async throws -> [WebhookDelivery]
    /// Records an attempt and what follows from it, in one transaction.
    func recordDeliveryAttempt(eventID: String, _ attempt: DeliveryAttempt, decision: DeliveryDecision) async throws
    /// Schedules an event again for every subscribed endpoint; `notFound` for an unknown event.
    func redeliver(eventID: String, now: Int64) async throws
    /// An event by id.
    func event(id: String) async throws -> OutboxEvent?
    /// Deliveries of an event, with their attempts.
    func deliveries(eventID: String) async throws -> [DeliveryRecord]
}
