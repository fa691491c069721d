public import Hummingbird
import Logging
import NIOCore

/// The request context: Hummingbird's core storage plus the authenticated caller.
public struct SandboxRequestContext: RequestContext {
    /// Hummingbird's per-request storage (route parameters, logger).
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthMiddleware`` for every route but the unauthenticated ones.
    var identity: Identity?
    /// The connection the request came on, for faults that close it.
    let channel: (any Channel)?
    /// Bodies are read by ``RequestBody`` with the configured limit instead.
    public var maxUploadSize: Int { Int.max }

    /// A context for a new request, not yet authenticated.
    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
        channel = source.channel
    }

    /// The authenticated caller; routes behind ``AuthMiddleware`` always have one.
    func caller() throws -> Identity {
        guard let identity else { throw GrafanaError.unauthenticated }
        return identity
    }
}
