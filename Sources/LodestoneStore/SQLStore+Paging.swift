import LodestoneDomain

/// Equality filters collected into a WHERE clause with numbered binds.
struct SQLFilter {
    private(set) var conditions: [String] = []
    private(set) var binds: [SQLValue] = []

    /// Adds `column = value` when a value is given.
    mutating func equal(_ column: String, _ value: String?) {
        guard let value else { return }
        binds.append(.text(value))
        conditions.append("\(column) = $\(binds.count)")
    }

    /// Adds a fixed condition (no values).
    mutating func condition(_ sql: String) { conditions.append(sql) }

    /// Adds `column IN (values)` when values are given.
    mutating func oneOf(_ column: String, _ values: [String]?) {
        guard let values, !values.isEmpty else { return }
        let first = binds.count + 1
        binds += values.map(SQLValue.text)
        conditions.append("\(column) IN (" + (first..<(first + values.count)).map { "$\($0)" }.joined(separator: ", ") + ")")
    }

    /// Adds `column >= value` when a value is given.
    mutating func atLeast(_ column: String, _ value: Int64?) {
        guard let value else { return }
        binds.append(.int(value))
        conditions.append("\(column) >= $\(binds.count)")
    }

    /// Adds `column <= value` when a value is given.
    mutating func atMost(_ column: String, _ value: Int64?) {
        guard let value else { return }
        binds.append(.int(value))
        conditions.append("\(column) <= $\(binds.count)")
    }

    var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }
}

extension SQLStore {
    /// One page of `table` rows matching `filter`, in `order`, with the total count, read together.
    func page<T: Sendable>(
        from table: String, columns: String, filter: SQLFilter = SQLFilter(), order: String, page: Int, pageSize: Int,
        decode: @escaping @Sendable (SQLRow) throws -> T
    ) async throws -> Page<T> {
        let binds = filter.binds + [.int(Int64(pageSize)), .int(Int64((page - 1) * pageSize))]
        let sql = """
            SELECT \(columns) FROM \(table)\(filter.whereClause)
            ORDER BY \(order) LIMIT $\(binds.count - 1) OFFSET $\(binds.count)
            """
        let countSQL = "SELECT COUNT(*) FROM \(table)\(filter.whereClause)"
        let countBinds = filter.binds
        return try await database.read { db in
            let rows = try await db.query(sql, binds)
            let total = Int(try (try await db.query(countSQL, countBinds)).first?.int(0) ?? 0)
            return Page(items: try rows.map(decode), total: total)
        }
    }
}
