import Testing

@testable import GrafanaAPI

/// The two transports that carry `http://` requests; suites that test transport behaviour run
/// against both.
enum PlainTransport: String, CaseIterable, CustomTestStringConvertible {
    /// ``SocketTransport``, what ``StandardTransport`` uses for `http://`.
    case sockets
    /// ``AsyncHTTPClientTransport``, what it uses for `https://`.
    case asyncHTTPClient

    var testDescription: String { rawValue }

    /// The process-wide instance.
    var shared: any HTTPTransport {
        switch self {
        case .sockets: SocketTransport.shared
        case .asyncHTTPClient: AsyncHTTPClientTransport.shared
        }
    }

    /// A new instance with its own connections, and what shuts it down.
    func make(maxBodySize: Int = 64 * 1024 * 1024) -> (any HTTPTransport, @Sendable () async throws -> Void) {
        switch self {
        case .sockets:
            let transport = SocketTransport(maxBodySize: maxBodySize)
            return (transport, { try await transport.shutdown() })
        case .asyncHTTPClient:
            let transport = AsyncHTTPClientTransport(maxBodySize: maxBodySize)
            return (transport, { try await transport.shutdown() })
        }
    }
}
