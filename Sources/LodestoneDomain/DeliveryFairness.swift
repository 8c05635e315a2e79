/// Which due webhook deliveries a worker takes: oldest first, but at most a few per endpoint at a
/// time, so that one slow or dead receiver (each attempt waiting out its timeout) never holds up
/// deliveries to the others.
public enum DeliveryFairness {
    /// Deliveries in flight per endpoint, at most.
    public static let perEndpoint = 2

    /// From `due` (oldest first, as `(event id, endpoint id)`), the ones to take now, at most
    /// `limit`, given the deliveries already in flight per endpoint.
    public static func pick(_ due: [(eventID: String, endpointID: String)], inFlight: [String: Int], limit: Int)
        -> [(eventID: String, endpointID: String)]
    {
        var taken = inFlight
        var out: [(eventID: String, endpointID: String)] = []
        for d in due where out.count < limit {
            guard taken[d.endpointID, default: 0] < perEndpoint else { continue }
            taken[d.endpointID, default: 0] += 1
            out.append(d)
        }
        return out
    }
}
