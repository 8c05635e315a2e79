import LodestoneDomain
import Synchronization

/// Facts the store never changes once written: a customer's HD index and their address on a
/// network. Remembering them lets repeated address requests skip the database entirely; no
/// invalidation is needed because no code path updates or deletes them. Bounded: when full it
/// starts over (a miss only costs one database read).
final class PermanentFacts: Sendable {
    private struct Facts {
        var addresses: [String: CustomerAddress] = [:]
        var indexes: [String: Int64] = [:]
    }
    private let facts = Mutex(Facts())
    private let capacity: Int

    init(capacity: Int = 200_000) { self.capacity = capacity }

    private static func key(_ customerID: String, _ network: String) -> String { customerID + "\u{1F}" + network }

    func address(customerID: String, network: String) -> CustomerAddress? {
        facts.withLock { $0.addresses[Self.key(customerID, network)] }
    }

    func index(customerID: String) -> Int64? { facts.withLock { $0.indexes[customerID] } }

    func remember(_ address: CustomerAddress) {
        facts.withLock { f in
            if f.addresses.count >= capacity { f = Facts() }
            f.addresses[Self.key(address.customerID, address.network)] = address
            f.indexes[address.customerID] = Int64(address.index)
        }
    }
}
