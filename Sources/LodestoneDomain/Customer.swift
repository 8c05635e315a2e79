public import LodestoneCore

/// A customer of the merchant, owner of deposit addresses.
public struct Customer: Sendable, Hashable {
    /// `cus_…`
    public let id: String
    /// The merchant's own id for this customer; unique when set.
    public let externalID: String?
    /// Contact email, as given.
    public let email: String?
    /// Merchant metadata as a JSON object text.
    public let metadata: String?
    /// The HD index shared by all of the customer's addresses; set on the first address request.
    public let derivationIndex: UInt32?
    /// Creation time, unix milliseconds.
    public let createdAt: Int64
    /// When the merchant archived it (its addresses stay watched and money is still credited).
    public let archivedAt: Int64?
    /// Production or sandbox: only keys of its environment see it, and it gets addresses only there.
    public let environment: DeploymentEnvironment

    /// A customer record.
    public init(
        id: String, externalID: String?, email: String?, metadata: String?, derivationIndex: UInt32?, createdAt: Int64, archivedAt: Int64? = nil,
        environment: DeploymentEnvironment = .production
    ) {
        self.environment = environment
        self.id = id
        self.externalID = externalID
        self.email = email
        self.metadata = metadata
        self.derivationIndex = derivationIndex
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }
}

/// What a `PATCH` changes on a customer: nil keeps a field, `.some(nil)` clears it.
public struct CustomerChange: Sendable, Equatable {
    public var externalID: String??
    public var email: String??
    public var metadata: String??

    /// No change.
    public init(externalID: String?? = nil, email: String?? = nil, metadata: String?? = nil) {
        self.externalID = externalID
        self.email = email
        self.metadata = metadata
    }

    /// The customer with the change applied.
    public func applied(to c: Customer) -> Customer {
        Customer(
            id: c.id, externalID: externalID ?? c.externalID, email: email ?? c.email, metadata: metadata ?? c.metadata,
            derivationIndex: c.derivationIndex, createdAt: c.createdAt, archivedAt: c.archivedAt, environment: c.environment)
    }
}

/// A customer's permanent deposit address on one network.
public struct CustomerAddress: Sendable, Hashable {
    /// Canonical address text.
    public let address: String
    /// The network it was requested for.
    public let network: String
    /// Owner.
    public let customerID: String
    /// Full derivation path.
    public let derivationPath: String
    /// HD index.
    public let index: UInt32
    /// Creation time, unix milliseconds.
    public let createdAt: Int64

    /// An address record.
    public init(address: String, network: String, customerID: String, derivationPath: String, index: UInt32, createdAt: Int64) {
        self.address = address
        self.network = network
        self.customerID = customerID
        self.derivationPath = derivationPath
        self.index = index
        self.createdAt = createdAt
    }
}
