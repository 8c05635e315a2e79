/// Failures of the store, as the API needs to tell them apart.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A unique value is taken; carries the id of the record that holds it.
    case conflict(field: String, existingID: String)
    /// The record does not exist.
    case notFound(String)
    /// An idempotency key was reused with a different request.
    case idempotencyMismatch
    /// The request is valid but not allowed in the record's state.
    case invalidState(String)
    /// Stored data does not decode: a bug or tampering, never user input.
    case corrupt(String)
    /// The database URL is not one the store understands.
    case badURL(String)
    /// The backend failed (connection, SQL error).
    case backend(String)
    /// Another scanner of the network (another instance) committed first: nothing is wrong, this
    /// step's work is dropped and the next one starts from the new cursor.
    case scanCursorMoved(String)
    /// A network issues addresses from an imported pool and none is left.
    case addressPoolEmpty(String)
    /// A change the record's rules do not allow; names the field.
    case refused(field: String, String)

    public var description: String {
        switch self {
        case .conflict(let field, let id): return "\(field) is already used by \(id)"
        case .notFound(let what): return "\(what) not found"
        case .scanCursorMoved(let network): return "the scan cursor of \(network) moved: another scanner committed first"
        case .addressPoolEmpty(let network):
            return "the \(network) address pool is empty: import more with `lodestone pool import --network \(network) FILE`"
        case .idempotencyMismatch: return "Idempotency-Key was used with a different request"
        case .invalidState(let why): return why
        case .refused(let field, let why): return "\(field): \(why)"
        case .corrupt(let why): return "stored data is corrupt: \(why)"
        case .badURL(let why): return "invalid database URL: \(why)"
        case .backend(let why): return "database error: \(why)"
        }
    }
}
