public import Hummingbird
public import LodestoneDomain

/// Per-request state: who is calling, once authentication has run.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The API key that authenticated this request.
    public var caller: APIKeyRecord?

    public init(source: Source) {
        coreContext = .init(source: source)
        caller = nil
    }

    /// Bodies are read by `JSONBody` with their own limit; this bounds everything else.
    public var maxUploadSize: Int { JSONBody.maxBytes }
}
