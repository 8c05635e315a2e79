import Hummingbird

/// Query parameters read strictly: known names only, typed, with paging defaults.
struct QueryParameters {
    private let values: [String: String]
    private var seen: Set<String> = []

    init(_ request: Request) throws {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let name = String(key)
            guard values[name] == nil else { throw APIError.invalid(name, "\(name) is given more than once") }
            values[name] = String(value)
        }
        self.values = values
    }

    mutating func string(_ name: String, maxLength: Int = 256) throws -> String? {
        seen.insert(name)
        guard let value = values[name] else { return nil }
        guard !value.isEmpty, value.count <= maxLength else {
            throw APIError.invalid(name, "\(name) must be 1 to \(maxLength) characters")
        }
        return value
    }

    /// `page` (from 1) and `page_size` (1…100, default 20).
    mutating func paging() throws -> (page: Int, pageSize: Int) {
        (try int("page", in: 1...1_000_000) ?? 1, try int("page_size", in: 1...100) ?? 20)
    }

    mutating func int(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = try string(name, maxLength: 12) else { return nil }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(text), range.contains(value) else {
            throw APIError.invalid(name, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func rejectUnknown() throws {
        if let unknown = values.keys.sorted().first(where: { !seen.contains($0) }) {
            throw APIError.invalid(unknown, "unknown query parameter \(unknown)")
        }
    }
}
