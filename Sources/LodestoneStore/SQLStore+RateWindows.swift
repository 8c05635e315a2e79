// Fixed-window request counts shared by every instance on one database.
extension SQLStore {
    /// Counts one request of `key` in the window starting at `windowStart` (unix seconds); returns
    /// the window's count including it.
    public func countRequest(key: String, windowStart: Int64) async throws -> Int64 {
        try await database.transaction { db in
            guard
                let row = try await db.query(
                    """
                    INSERT INTO rate_windows (key_id, window_start, count) VALUES ($1, $2, 1)
                    ON CONFLICT (key_id, window_start) DO UPDATE SET count = rate_windows.count + 1
                    RETURNING count
                    """, [.text(key), .int(windowStart)]
                ).first
            else { throw StoreError.invalidState("rate window upsert returned no row") }
            return try row.int(0)
        }
    }

    /// Forgets windows that started before `windowStart`.
    public func forgetRateWindows(before windowStart: Int64) async throws {
        try await database.transaction { db in
            _ = try await db.query("DELETE FROM rate_windows WHERE window_start < $1", [.int(windowStart)])
        }
    }
}
