// Counts the metrics gauges show; read only.
extension SQLStore {
    /// Deposits per network and status.
    public func depositCounts() async throws -> [(network: String, status: String, count: Int64)] {
        try await database.read { db in
            try await db.query("SELECT network, status, COUNT(*) FROM deposits GROUP BY network, status", [])
                .map { (try $0.text(0), try $0.text(1), try $0.int(2)) }
        }
    }

    /// Webhook deliveries not yet delivered or given up, and when the oldest of them was created.
    public func outboxBacklog() async throws -> (pending: Int64, oldestCreatedAt: Int64?) {
        try await database.read { db in
            let row = try await db.query("SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE status = 'pending'", []).first
            return (try row?.int(0) ?? 0, try row?.optionalInt(1))
        }
    }
}
