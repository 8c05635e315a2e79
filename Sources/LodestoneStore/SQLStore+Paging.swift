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

    /// A column a listing is ordered by, with how its value is read.
    enum OrderKey {
        case int(String)
        case text(String)
        var column: String {
            switch self {
            case .int(let c), .text(let c): return c
            }
        }
    }

    /// One cursor page of `table` rows matching `filter`, in `order` (all keys one direction; the
    /// last is unique): the rows after (or before) the row whose `id` is the cursor's, compared as
    /// a row value, so the database walks an index instead of counting. Nil for an unknown cursor.
    func cursorPage<T: Sendable>(
        from table: String, columns: String, filter: SQLFilter = SQLFilter(), order: [OrderKey], descending: Bool, cursor: PageCursor,
        pageSize: Int, decode: @escaping @Sendable (SQLRow) throws -> T
    ) async throws -> CursorPage<T>? {
        let keys = order.map(\.column).joined(separator: ", ")
        let (id, forward) = switch cursor {
        case .after(let id): (id, true)
        case .before(let id): (id, false)
        }
        return try await database.read { db in
            guard let anchor = try await db.query("SELECT \(keys) FROM \(table) WHERE id = $1", [.text(id)]).first else { return nil }
            var binds = filter.binds
            var values: [String] = []
            for (i, key) in order.enumerated() {
                switch key {
                case .int: binds.append(.int(try anchor.int(i)))
                case .text: binds.append(.text(try anchor.text(i)))
                }
                values.append("$\(binds.count)")
            }
            // Reading forward in a descending listing means smaller keys; backward, larger.
            let smaller = forward == descending
            let comparison = "(\(keys)) \(smaller ? "<" : ">") (\(values.joined(separator: ", ")))"
            let conditions = filter.whereClause.isEmpty ? " WHERE " + comparison : filter.whereClause + " AND " + comparison
            let direction = smaller ? "DESC" : "ASC"
            binds.append(.int(Int64(pageSize + 1)))
            let rows = try await db.query(
                "SELECT \(columns) FROM \(table)\(conditions) ORDER BY \(order.map { "\($0.column) \(direction)" }.joined(separator: ", ")) LIMIT $\(binds.count)",
                binds)
            var items = try rows.prefix(pageSize).map(decode)
            if !forward { items.reverse() }
            return CursorPage(items: items, hasMore: rows.count > pageSize)
        }
    }
}
