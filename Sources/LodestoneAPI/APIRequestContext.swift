public import Hummingbird

/// Per-request state. The caller is not kept here: a route that needs one is handed it by the
/// route guard, so no handler can read a caller that was never authenticated.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// Bodies are read by `JSONBody` with their own limit; this bounds everything else.
    public var maxUploadSize: Int { JSONBody.maxBytes }
}
