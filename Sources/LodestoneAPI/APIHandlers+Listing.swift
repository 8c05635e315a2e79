import Hummingbird
import LodestoneStore

// Listings by page number (with a total) or by cursor (no total: as fast on millions of rows).
extension APIHandlers {
    func list<Row: Sendable, Item: Encodable & Sendable>(
        _ listing: QueryParameters.Listing, what: String,
        page: (Int, Int) async throws -> Page<Row>,
        cursor: (PageCursor, Int) async throws -> CursorPage<Row>?,
        item: (Row) async throws -> Item
    ) async throws -> Response {
        switch listing {
        case .page(let number, let size):
            let result = try await page(number, size)
            var items: [Item] = []
            for row in result.items { items.append(try await item(row)) }
            return try respond(ListBody(data: items, page: number, pageSize: size, total: result.total))
        case .cursor(let at, let size):
            guard let result = try await cursor(at, size) else {
                let (param, id) = switch at {
                case .after(let id): ("starting_after", id)
                case .before(let id): ("ending_before", id)
                }
                throw APIError.invalid(param, "no \(what) \(id.prefix(100)) to page from")
            }
            var items: [Item] = []
            for row in result.items { items.append(try await item(row)) }
            return try respond(CursorListBody(data: items, pageSize: size, hasMore: result.hasMore))
        }
    }
}
