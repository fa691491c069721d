import Testing

@testable import GrafanaAPI

/// The two transports that carry `http://` requests; suites that test transport behaviour run
/// against both.
enum PlainTransport: String, CaseIterable, CustomTestStringConvertible {
    /// ``SocketTransport``, what ``StandardTransport`` uses for `http://`.
    case sockets
    /// ``SocketTransport`` sending from tasks that run on its event loop, as `dashboard push` does.
    case socketsOnLoop
    /// ``AsyncHTTPClientTransport``, what it uses for `https://`.
    case asyncHTTPClient

    var testDescription: String { rawValue }

    /// The process-wide instance.
    var shared: any HTTPTransport {
        switch self {
        case .sockets: SocketTransport.shared
        case .socketsOnLoop: OnEventLoop(SocketTransport.shared)
        case .asyncHTTPClient: AsyncHTTPClientTransport.shared
        }
    }

    /// A new instance with its own connections, and what shuts it down.
    func make(maxBodySize: Int = 64 * 1024 * 1024) -> (any HTTPTransport, @Sendable () async throws -> Void) {
        switch self {
        case .sockets:
            let transport = SocketTransport(maxBodySize: maxBodySize)
            return (transport, { try await transport.shutdown() })
        case .socketsOnLoop:
            let transport = SocketTransport(maxBodySize: maxBodySize)
            return (OnEventLoop(transport), { try await transport.shutdown() })
        case .asyncHTTPClient:
            let transport = AsyncHTTPClientTransport(maxBodySize: maxBodySize)
            return (transport, { try await transport.shutdown() })
        }
    }
}

/// Sends each request from a task running on the socket transport's event loop, so the loop
/// writes and reads it itself.
struct OnEventLoop: HTTPTransport {
    let inner: SocketTransport

    init(_ inner: SocketTransport) { self.inner = inner }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        try await withTaskExecutorPreference(inner.taskExecutor) {
            #expect(SocketEventLoop.shared.isCurrent)
            return try await inner.send(request)
        }
    }

    func boundsWholeExchange(_ request: TransportRequest) -> Bool { inner.boundsWholeExchange(request) }
}
