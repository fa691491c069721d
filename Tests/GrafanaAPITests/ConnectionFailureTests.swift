import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Testing

@testable import GrafanaAPI

/// AsyncHTTPClient and NIO errors map to a kind (refused, DNS, TLS, timeout) and a short cause.
@Suite struct ConnectionFailureTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var error: any Error & Sendable
        var kind: GrafanaError.Kind
        var cause: String?
        var testDescription: String { "\(error) → \(kind)" }
    }

    static let cases: [Case] = [
        Case(
            error: IOError(errnoCode: ECONNREFUSED, reason: "connect"),
            kind: .connectionRefused,
            cause: "connection refused"
        ),
        Case(error: IOError(errnoCode: ETIMEDOUT, reason: "connect"), kind: .timeout, cause: "connect timed out"),
        Case(
            error: IOError(errnoCode: ECONNRESET, reason: "read"),
            kind: .connectionFailed,
            cause: "the connection was reset"
        ),
        Case(error: HTTPClientError.connectTimeout, kind: .timeout, cause: "connect timed out"),
        Case(error: HTTPClientError.readTimeout, kind: .timeout, cause: "no response in time"),
        Case(error: HTTPClientError.deadlineExceeded, kind: .timeout, cause: "no response in time"),
        Case(error: HTTPClientError.tlsHandshakeTimeout, kind: .timeout, cause: "TLS handshake timed out"),
        Case(
            error: HTTPClientError.remoteConnectionClosed,
            kind: .connectionFailed,
            cause: "the server closed the connection"
        ),
        Case(error: ChannelError.connectTimeout(.seconds(1)), kind: .timeout, cause: "connect timed out"),
        Case(error: NIOSSLError.handshakeFailed(.sslError([])), kind: .tlsFailure),
        Case(error: NIOSSLError.unableToValidateCertificate, kind: .tlsFailure),
    ]

    @Test(arguments: cases)
    func classifies(_ expected: Case) {
        let failure = AsyncHTTPClientTransport.classify(expected.error)
        #expect(failure.kind == expected.kind)
        if let cause = expected.cause {
            #expect(failure.cause == cause)
        }
        #expect(!failure.cause.isEmpty)
    }
}
