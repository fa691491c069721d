import Foundation

/// The transport every client uses unless given another: ``SocketTransport`` for `http://`
/// servers, ``AsyncHTTPClientTransport`` for `https://` (TLS).
///
/// Plain HTTP goes over the sockets because AsyncHTTPClient's connection set-up costs several
/// times the request itself in a run that sends one (see ``SocketTransport``). Each side is
/// created at its first request, so a run that talks only HTTP never sets up NIO.
public struct StandardTransport: HTTPTransport {
    /// The process-wide transport, over the shared socket and AsyncHTTPClient transports.
    public static let shared = StandardTransport(plain: .shared, secure: .shared)

    /// Sends `http://` requests.
    public let plain: SocketTransport
    /// Sends every other request.
    public let secure: AsyncHTTPClientTransport

    /// Creates a transport over the given two.
    public init(plain: SocketTransport, secure: AsyncHTTPClientTransport) {
        self.plain = plain
        self.secure = secure
    }

    /// Sends `request` over the transport for its scheme.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        if request.origin != nil || request.baseURL.scheme?.lowercased() == "http" {
            return try await plain.send(request)
        }
        return try await secure.send(request)
    }

    /// Whether `request` goes over the sockets, which keep its total timeout themselves.
    public func boundsWholeExchange(_ request: TransportRequest) -> Bool {
        request.origin != nil
    }

    /// The socket transport's event loop, which only `http://` requests use.
    public var taskExecutor: (any TaskExecutor)? { plain.taskExecutor }

    /// Shuts down both transports; call once before exit.
    public func shutdown() async throws {
        try await plain.shutdown()
        try await secure.shutdown()
    }
}
