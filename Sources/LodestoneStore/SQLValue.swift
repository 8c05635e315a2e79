/// A value bound into or read out of SQL. Lodestone's schema uses only integers and text
/// (amounts are base-unit decimal text, times are unix milliseconds), so both backends agree.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case text(String)
}

/// One result row, read by column position.
public struct SQLRow: Sendable {
    /// Column values in SELECT order.
    public let values: [SQLValue]

    /// Creates a row.
    public init(values: [SQLValue]) { self.values = values }

    /// Integer column; throws on NULL or text.
    public func int(_ i: Int) throws(StoreError) -> Int64 {
        guard case .int(let v) = values[i] else { throw .corrupt("column \(i) is not an integer") }
        return v
    }

    /// Integer column that may be NULL.
    public func optionalInt(_ i: Int) throws(StoreError) -> Int64? {
        if case .null = values[i] { return nil }
        return try int(i)
    }

    /// Text column; throws on NULL or integer.
    public func text(_ i: Int) throws(StoreError) -> String {
        guard case .text(let v) = values[i] else { throw .corrupt("column \(i) is not text") }
        return v
    }

    /// Text column that may be NULL.
    public func optionalText(_ i: Int) throws(StoreError) -> String? {
        if case .null = values[i] { return nil }
        return try text(i)
    }
}

extension Optional where Wrapped == String {
    /// The value as SQL text, or NULL.
    var sql: SQLValue { map(SQLValue.text) ?? .null }
}

extension Optional where Wrapped == Int64 {
    /// The value as an SQL integer, or NULL.
    var sql: SQLValue { map(SQLValue.int) ?? .null }
}
