import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The transport for `https://`: AsyncHTTPClient, one `HTTPClient` per distinct TLS and timeout
/// setting. (``StandardTransport`` sends plain `http://` over ``SocketTransport`` instead.)
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

    /// The event loop every client's connections run on: one thread for the process, made at
    /// the first request and never shut down (as NIO's own singleton group).
    ///
    /// Not NIO's singleton, which starts a thread per core: a command spends its time waiting
    /// for the server, and the JSON work runs in Swift's own threads, so a second loop only
    /// added a thread to start and more hand-overs between threads.
    static let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// The most connections kept open to one server: more than any `--jobs` a run is likely
    /// to give, so each request in flight has its own connection.
    static let connectionsPerHost = 64

    /// Creates a transport with its own clients; most callers want ``shared``.
    public init(maxBodySize: Int = 64 * 1024 * 1024) {
        self.maxBodySize = maxBodySize
    }

    /// Sends the request on the client for its TLS and timeout settings and collects the body
    /// (up to ``maxBodySize``; a larger one throws ``ResponseTooLarge``).
    ///
    /// The response is collected on its connection's event loop by a ``ResponseCollector`` and
    /// handed to the calling task whole, once. AsyncHTTPClient's async interface instead
    /// resumes the task for the head and again for each part of the body, asking the event
    /// loop for more in between: each a wake-up of another thread, which under load costs a
    /// scheduling delay. With 8 pushes in flight on two loaded cores that left the connections
    /// idle between a request's parts.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let timeouts = request.timeouts
        let client = try httpClient(
            tls: request.tls,
            connect: min(timeouts.connect, timeouts.total),
            read: min(timeouts.read, timeouts.total)
        )
        let method = NIOHTTP1.HTTPMethod(rawValue: request.method.rawValue)
        var headers = HTTPHeaders()
        headers.reserveCapacity(request.headers.count)
        for field in request.headers {
            headers.add(name: field.name, value: field.value)
        }
        let collector = ResponseCollector(ignoresLength: method == .HEAD, limit: maxBodySize)
        // The deadline bounds the whole exchange, body included (AsyncHTTPClient fails a
        // request still running when it passes); the read timeout, set on the client, bounds
        // each silence within it.
        let deadline = NIODeadline.now() + TimeAmount(timeouts.total)
        do {
            let outgoing = try HTTPClient.Request(
                url: request.url,
                method: method,
                headers: headers,
                body: request.body.map { .bytes($0) }
            )
            let task = client.execute(request: outgoing, delegate: collector, deadline: deadline)
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch let tooLarge as ResponseTooLarge {
            throw tooLarge
        } catch {
            var failure = Self.failure(error)
            if var connection = failure as? ConnectionFailure, let status = collector.receivedStatus {
                // The head arrived: whatever broke, broke in the body.
                connection.stage = .readingBody(status: status)
                connection.cause += " after \(HTTPStatusText.line(status)), before the whole answer arrived"
                failure = connection
            }
            throw failure
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
        // AsyncHTTPClient opens at most 8 connections to a host by default and queues the
        // rest, so `--jobs 16` would wait for connections; a connection is only opened when a
        // request finds none idle, so a higher limit costs nothing at `--jobs 8` or below.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = Self.connectionsPerHost
        return clients.withLockedValue { clients in
            if let existing = clients?.byKey[key] { return existing }
            let client = HTTPClient(eventLoopGroup: Self.eventLoopGroup, configuration: configuration)
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

/// Collects one response on its connection's event loop: the status and headers, and the body
/// up to a limit (a larger one fails the request with ``ResponseTooLarge``, from the announced
/// `Content-Length` when there is one, before the body is read).
final class ResponseCollector: HTTPClientResponseDelegate {
    typealias Response = TransportResponse

    private struct State {
        var status: Int?
        var headers = HTTPHeaders()
        var body: ByteBuffer?
    }

    /// A HEAD answer announces the length of a body it does not carry.
    private let ignoresLength: Bool
    private let limit: Int
    private let state = NIOLockedValueBox(State())

    init(ignoresLength: Bool, limit: Int) {
        self.ignoresLength = ignoresLength
        self.limit = limit
    }

    /// The status of the response head, once it has arrived.
    var receivedStatus: Int? { state.withLockedValue { $0.status } }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let status = Int(head.status.code)
        state.withLockedValue {
            $0.status = status
            $0.headers = head.headers
        }
        if !ignoresLength, let announced = head.headers.first(name: "Content-Length").flatMap({ Int($0) }),
            announced > limit
        {
            return task.eventLoop.makeFailedFuture(ResponseTooLarge(status: status, limit: limit))
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        let tooLarge: ResponseTooLarge? = state.withLockedValue { state in
            guard (state.body?.readableBytes ?? 0) + part.readableBytes <= limit else {
                return ResponseTooLarge(status: state.status ?? 0, limit: limit)
            }
            guard var body = state.body else {
                state.body = part
                return nil
            }
            // Dropped from the state while written to, so the buffer is not copied.
            state.body = nil
            var part = part
            body.writeBuffer(&part)
            state.body = body
            return nil
        }
        if let tooLarge { return task.eventLoop.makeFailedFuture(tooLarge) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> TransportResponse {
        state.withLockedValue { state in
            TransportResponse(
                status: state.status ?? 0,
                headers: state.headers.map { HTTPHeaderField($0.name, $0.value) },
                body: state.body.map(Self.data(sharing:)) ?? Data()
            )
        }
    }

    /// The readable bytes of `buffer` as `Data` over the same memory, kept alive by the
    /// `Data` (as NIOFoundationCompat's `.noCopy` transfer does): a large answer is held once,
    /// not as the buffer and a copy at the same time.
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
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
