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

    /// A customer record.
    public init(id: String, externalID: String?, email: String?, metadata: String?, derivationIndex: UInt32?, createdAt: Int64) {
        self.id = id
        self.externalID = externalID
        self.email = email
        self.metadata = metadata
        self.derivationIndex = derivationIndex
        self.createdAt = createdAt
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
