import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The real transport: AsyncHTTPClient, one `HTTPClient` per distinct TLS and timeout setting.
///
/// Use ``shared``: one instance per process, so every ``GrafanaClient`` (and every client derived
/// with `with(credentials:)` or `with(orgID:)`) reuses the same pooled connections. Call
/// ``shutdown()`` once before the process exits.
///
/// Connection failures are reported at once (`retryConnectionEstablishment` is off): a
/// command-line tool should say "connection refused" rather than retry until its deadline.
/// Redirects are not followed, so credentials never go to another host and a misconfigured
/// URL shows up as an error.
public final class AsyncHTTPClientTransport: HTTPTransport {
    /// The process-wide transport.
    public static let shared = AsyncHTTPClientTransport()

    private struct ClientKey: Hashable {
        var tls: GrafanaClient.TLS
        var connect: Duration
        var read: Duration
    }

    /// The clients by setting, made at the first request.
    ///
    /// Behind a plain struct so that creating the transport (which every run does, also one
    /// that sends nothing) does not instantiate the dictionary type: that looks up
    /// `ClientKey`'s `Hashable` conformance at run time, a scan of every conformance record
    /// in the binary that was 6% of the instructions of `gfs -c 'echo hi'`.
    private let clients = NIOLockedValueBox<ClientTable?>(nil)

    private struct ClientTable {
        var byKey: [ClientKey: HTTPClient] = [:]
    }
    /// The largest response body accepted, in bytes.
    public let maxBodySize: Int

    /// Creates a transport with its own clients; most callers want ``shared``.
    public init(maxBodySize: Int = 64 * 1024 * 1024) {
        self.maxBodySize = maxBodySize
    }

    /// Sends the request on the client for its TLS and timeout settings and collects the body
    /// (up to ``maxBodySize``; a larger one throws ``ResponseTooLarge``).
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let timeouts = request.timeouts
        let client = try httpClient(
            tls: request.tls,
            connect: min(timeouts.connect, timeouts.total),
            read: min(timeouts.read, timeouts.total)
        )
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers {
            outgoing.headers.add(name: field.name, value: field.value)
        }
        if let body = request.body {
            // Handed over as the collection it is: AsyncHTTPClient copies it into buffers of
            // about 4 MB as it writes, instead of a second copy of a large body at once.
            outgoing.body = .bytes(body)
        }
        // AsyncHTTPClient's deadline stops at the response head (its deadline task is
        // cancelled once `execute` returns); the funnel races the whole exchange, body
        // included, against the same limit. The read timeout (set on the client) bounds each
        // silence within it.
        let deadline = NIODeadline.now() + TimeAmount(timeouts.total)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, deadline: deadline)
        } catch {
            throw Self.failure(error)
        }
        let status = Int(response.status.code)
        do {
            let buffer = try await response.body.collect(upTo: maxBodySize)
            return TransportResponse(
                status: status,
                headers: response.headers.map { HTTPHeaderField($0.name, $0.value) },
                body: Self.data(sharing: buffer)
            )
        } catch is NIOTooManyBytesError {
            throw ResponseTooLarge(status: status, limit: maxBodySize)
        } catch {
            var failure = Self.failure(error)
            if var connection = failure as? ConnectionFailure {
                // The head arrived: whatever broke, broke in the body.
                connection.stage = .readingBody(status: status)
                connection.cause += " after \(HTTPStatusText.line(status)), before the whole answer arrived"
                failure = connection
            }
            throw failure
        }
    }

    /// The readable bytes of `buffer` as `Data` over the same memory, kept alive by the
    /// `Data` (as NIOFoundationCompat's `.noCopy` transfer does): a large answer is held once,
    /// not as the buffer, an array and the `Data` at the same time.
    static func data(sharing buffer: ByteBuffer) -> Data {
        guard buffer.readableBytes > 0 else { return Data() }
        return buffer.withUnsafeReadableBytesWithStorageManagement { bytes, storage in
            _ = storage.retain()
            return Data(
                bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!),
                count: bytes.count,
                deallocator: .custom { _, _ in storage.release() }
            )
        }
    }

    /// A cancelled task may surface as CancellationError or, from the connection pool's
    /// cancelRequest, as HTTPClientError.cancelled (or the last connect error); callers get
    /// CancellationError either way so they can tell it from a failure. Anything else is
    /// classified.
    private static func failure(_ error: any Error) -> any Error {
        if Task.isCancelled || error is CancellationError || (error as? HTTPClientError) == .cancelled {
            return CancellationError()
        }
        return classify(error)
    }

    /// Shuts down every client this transport created; call once before exit.
    public func shutdown() async throws {
        let all = clients.withLockedValue { clients in
            defer { clients = nil }
            return clients.map { Array($0.byKey.values) } ?? []
        }
        for client in all {
            try await client.shutdown()
        }
    }

    private func httpClient(tls: GrafanaClient.TLS, connect: Duration, read: Duration) throws(GrafanaError)
        -> HTTPClient
    {
        let key = ClientKey(tls: tls, connect: connect, read: read)
        if let client = clients.withLockedValue({ $0?.byKey[key] }) { return client }
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let caFile = tls.caCertificateFile {
            tlsConfiguration.trustRoots = .certificates(try Self.loadCACertificates(caFile))
        }
        if tls.insecure {
            tlsConfiguration.certificateVerification = .none
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tlsConfiguration,
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(connect), read: TimeAmount(read))
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return clients.withLockedValue { clients in
            if let existing = clients?.byKey[key] { return existing }
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            var table = clients ?? ClientTable()
            table.byKey[key] = client
            clients = table
            return client
        }
    }

    /// Reads the `--cacert` file now, so a missing or malformed file is a configuration error
    /// naming the file instead of a TLS failure at the first handshake.
    static func loadCACertificates(_ path: String) throws(GrafanaError) -> [NIOSSLCertificate] {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .invalidConfiguration(
                "Cannot read the CA certificate file '\(path)'",
                hint: "Check that the file exists and is readable."
            )
        }
        let certificates = try? NIOSSLCertificate.fromPEMFile(path)
        guard let certificates, !certificates.isEmpty else {
            throw .invalidConfiguration(
                "The CA certificate file '\(path)' holds no PEM certificate",
                hint: "Give a file with one or more '-----BEGIN CERTIFICATE-----' blocks."
            )
        }
        return certificates
    }

    /// A TLS error in words: a certificate the client does not trust is by far the common
    /// case, and BoringSSL's error stack says so only as `CERTIFICATE_VERIFY_FAILED`.
    static func tlsCause(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED)"
        }
        if text.contains("WRONG_VERSION_NUMBER") {
            return "TLS: the server did not answer with TLS (WRONG_VERSION_NUMBER)"
        }
        return "TLS: \(text)"
    }

    /// Maps AsyncHTTPClient and NIO errors to a kind, a secret-free cause, how far the
    /// exchange got and whether the connection was dropped.
    static func classify(_ error: any Error) -> ConnectionFailure {
        let dropped = "the connection was reset"
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout:
                return ConnectionFailure(kind: .timeout, cause: "connect timed out", stage: .connecting)
            case .readTimeout, .deadlineExceeded, .writeTimeout:
                return ConnectionFailure(kind: .timeout, cause: "no response in time")
            case .tlsHandshakeTimeout:
                return ConnectionFailure(kind: .timeout, cause: "TLS handshake timed out", stage: .connecting)
            case .remoteConnectionClosed:
                return ConnectionFailure(
                    kind: .connectionFailed,
                    cause: "the server closed the connection",
                    isDropped: true
                )
            default:
                return ConnectionFailure(kind: .connectionFailed, cause: String(describing: error))
            }
        case let error as NIOConnectionError:
            let failures = error.connectionErrors.map(\.error)
            if failures.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return ConnectionFailure(kind: .hostNotFound, cause: "host '\(error.host)' not found")
            }
            if let first = failures.first {
                var failure = classify(first)
                // These are all failures to connect: nothing was sent, whatever the errno.
                failure.stage = .connecting
                failure.isDropped = false
                return failure
            }
            return ConnectionFailure(kind: .connectionFailed, cause: String(describing: error), stage: .connecting)
        case let error as SocketAddressError.UnknownHost:
            // What NIO's getaddrinfo resolver throws for a name that does not resolve.
            return ConnectionFailure(kind: .hostNotFound, cause: "host '\(error.host)' not found")
        case let error as SocketAddressError:
            if case .unknown(let host, _) = error {
                return ConnectionFailure(kind: .hostNotFound, cause: "host '\(host)' not found")
            }
            return ConnectionFailure(kind: .hostNotFound, cause: String(describing: error))
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED:
                return ConnectionFailure(kind: .connectionRefused, cause: "connection refused")
            case ETIMEDOUT:
                return ConnectionFailure(kind: .timeout, cause: "connect timed out", stage: .connecting)
            case ECONNRESET, EPIPE:
                return ConnectionFailure(kind: .connectionFailed, cause: dropped, isDropped: true)
            default:
                return ConnectionFailure(kind: .connectionFailed, cause: String(describing: error))
            }
        case let error as ChannelError:
            switch error {
            case .connectTimeout:
                return ConnectionFailure(kind: .timeout, cause: "connect timed out", stage: .connecting)
            case .eof, .ioOnClosedChannel, .outputClosed, .alreadyClosed:
                return ConnectionFailure(
                    kind: .connectionFailed,
                    cause: "the server closed the connection",
                    isDropped: true
                )
            default:
                return ConnectionFailure(kind: .connectionFailed, cause: String(describing: error))
            }
        case let error as HTTPParserError where error == .invalidEOFState:
            // The connection closed before the body's announced length had arrived.
            return ConnectionFailure(
                kind: .connectionFailed,
                cause: "the server closed the connection",
                isDropped: true
            )
        case let error as NIOSSLError:
            if case .uncleanShutdown = error {
                return ConnectionFailure(
                    kind: .connectionFailed,
                    cause: "the server closed the connection",
                    isDropped: true
                )
            }
            return ConnectionFailure(kind: .tlsFailure, cause: tlsCause(error))
        case let error as NIOSSLExtraError:
            return ConnectionFailure(kind: .tlsFailure, cause: tlsCause(error))
        case let error as BoringSSLError:
            return ConnectionFailure(kind: .tlsFailure, cause: tlsCause(error))
        default:
            return ConnectionFailure(kind: .connectionFailed, cause: String(describing: error))
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
