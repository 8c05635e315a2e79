import Foundation
import Hummingbird
import LodestoneStore

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

    /// How a listing is asked for: a page number, or a cursor (`starting_after` / `ending_before`).
    enum Listing {
        case page(Int, size: Int)
        case cursor(PageCursor, size: Int)
    }

    /// `page`/`page_size`, or `starting_after`/`ending_before` with `page_size`; never both ways.
    mutating func listing() throws -> Listing {
        let after = try string("starting_after", maxLength: 256)
        let before = try string("ending_before", maxLength: 256)
        let (page, size) = try paging()
        if after != nil, before != nil { throw APIError.invalid("ending_before", "give starting_after or ending_before, not both") }
        if let cursor = after.map(PageCursor.after) ?? before.map(PageCursor.before) {
            if values["page"] != nil { throw APIError.invalid("page", "page does not go with a cursor (starting_after, ending_before)") }
            return .cursor(cursor, size: size)
        }
        return .page(page, size: size)
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

    /// `true` or `false`.
    mutating func bool(_ name: String) throws -> Bool? {
        guard let text = try string(name, maxLength: 5) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError.invalid(name, "\(name) must be true or false")
        }
    }

    /// A time as RFC 3339 (`2026-12-05T10:00:00Z`) or unix seconds, in unix milliseconds.
    mutating func time(_ name: String) throws -> Int64? {
        guard let text = try string(name, maxLength: 40) else { return nil }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }), text.count <= 11, let seconds = Int64(text) { return seconds * 1000 }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        throw APIError.invalid(name, "\(name) must be an RFC 3339 time (2026-12-05T10:00:00Z) or unix seconds")
    }

    /// `created_gte` and `created_lte`, refused when the range is empty.
    mutating func createdRange() throws -> (gte: Int64?, lte: Int64?) {
        let gte = try time("created_gte")
        let lte = try time("created_lte")
        if let gte, let lte, gte > lte { throw APIError.invalid("created_lte", "created_lte is before created_gte") }
        return (gte, lte)
    }

    func rejectUnknown() throws {
        if let unknown = values.keys.sorted().first(where: { !seen.contains($0) }) {
            throw APIError.invalid(unknown, "unknown query parameter \(unknown)")
        }
    }
}
