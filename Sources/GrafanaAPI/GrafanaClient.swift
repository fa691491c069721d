import Foundation
import GFSValue
public import Logging

/// A typed client for the Grafana HTTP API.
///
/// A client is a cheap value: the configuration plus a reference to a shared transport.
/// Derive variants with ``with(credentials:)`` and ``with(orgID:)``; they share the
/// transport's pooled connections.
///
/// Every call goes through one private funnel (``perform(_:)``) that builds the request
/// (URL, `Authorization`, `X-Grafana-Org-Id`, JSON body), applies the ``WritePolicy``,
/// sends it through the ``HTTPTransport`` and turns failures into ``GrafanaError``.
/// The typed calls live in `GrafanaClient+<Concern>.swift` files.
public struct GrafanaClient: Sendable {
    /// Where and how this client talks to Grafana.
    public let configuration: Configuration
    /// What sends the requests.
    public let transport: any HTTPTransport
    /// Whether writes are sent or captured for a dry run.
    public let writePolicy: WritePolicy
    /// Receives one debug line per request (method, path, status, time), never headers or bodies.
    public let logger: Logger
    /// The clock, randomness and observer of retries and deadlines.
    public let hooks: Hooks
    /// What every request repeats, worked out once per client rather than per request: the
    /// parsed `http://` server and the `Authorization` value.
    let requestParts: RequestParts

    /// Creates a client; by default it talks to `http://localhost:3000` over the shared transport.
    public init(
        configuration: Configuration = Configuration(),
        transport: any HTTPTransport = StandardTransport.shared,
        writePolicy: WritePolicy = .send,
        logger: Logger = Logger(label: "gfs.grafana-api"),
        hooks: Hooks = .standard
    ) {
        self.configuration = configuration
        self.transport = transport
        self.writePolicy = writePolicy
        self.logger = logger
        self.hooks = hooks
        self.requestParts = RequestParts(configuration)
    }

    /// The same client authenticating differently.
    public func with(credentials: Credentials) -> GrafanaClient {
        var configuration = configuration
        configuration.credentials = credentials
        return GrafanaClient(
            configuration: configuration,
            transport: transport,
            writePolicy: writePolicy,
            logger: logger,
            hooks: hooks
        )
    }

    /// The same client acting in another org (`nil`: the user's current org).
    ///
    /// The org is sent only with basic auth; see ``Configuration/orgID``.
    public func with(orgID: Int64?) -> GrafanaClient {
        var configuration = configuration
        configuration.orgID = orgID
        return GrafanaClient(
            configuration: configuration,
            transport: transport,
            writePolicy: writePolicy,
            logger: logger,
            hooks: hooks
        )
    }

    /// The same client with writes sent or captured.
    public func with(writePolicy: WritePolicy) -> GrafanaClient {
        GrafanaClient(
            configuration: configuration,
            transport: transport,
            writePolicy: writePolicy,
            logger: logger,
            hooks: hooks
        )
    }
}

// MARK: - Where tasks run

extension GrafanaClient {
    /// Runs `body` with its tasks (and their child tasks) preferring the transport's executor:
    /// for an `http://` server, the socket transport's event loop, where a request goes out and
    /// its answer comes back on the thread that runs the task, with no hand-off to another
    /// thread. For anything else `body` just runs. Meant for work that sends many requests
    /// concurrently, such as pushing many dashboards; the tasks' own work runs on that one
    /// thread too, so nothing in `body` may block waiting for another task.
    public func withTransportExecutor<Result, Failure: Error>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> Result {
        guard requestParts.origin != nil, let executor = transport.taskExecutor else { return try await body() }
        return try await withTaskExecutorPreference(executor, isolation: isolation, operation: body)
    }
}

// MARK: - The request funnel

/// The parts of a request that depend only on the configuration. Printing it shows nothing:
/// it holds the `Authorization` value.
struct RequestParts: Sendable, CustomStringConvertible, CustomReflectable {
    let origin: HTTPOrigin?
    let authorization: String?

    init(_ configuration: GrafanaClient.Configuration) {
        origin = HTTPOrigin(baseURL: configuration.baseURL)
        authorization = configuration.credentials.authorizationHeader
    }

    var description: String { "RequestParts(***)" }
    var customMirror: Mirror { Mirror(self, children: []) }
}

/// One API call as the typed methods describe it; the funnel adds the rest.
struct APIRequest: Sendable {
    /// What the call does, for errors and dry-run plans: "create organization".
    var operation: String
    var method: TransportRequest.Method
    /// Path segments after the base URL; each is percent-encoded here (`["api", "orgs", "name", name]`).
    var segments: [String]
    var query: [QueryItem] = []
    var body: Data? = nil
    /// Header lines the caller adds; each replaces a default of the same name
    /// (`Content-Type: text/plain` for a raw call's text body).
    var headers: [HTTPHeaderField] = []

    init(
        _ operation: String,
        _ method: TransportRequest.Method,
        _ segments: [String],
        query: [QueryItem] = [],
        body: Data? = nil,
        headers: [HTTPHeaderField] = []
    ) {
        self.operation = operation
        self.method = method
        self.segments = segments
        self.query = query
        self.body = body
        self.headers = headers
    }

    /// The percent-encoded path: `/api/orgs/name/My%20Org`.
    var path: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(segments.reduce(segments.count) { $0 + $1.utf8.count })
        for segment in segments {
            bytes.append(UInt8(ascii: "/"))
            PercentEncoding.append(segment, to: &bytes)
        }
        if segments.isEmpty { bytes.append(UInt8(ascii: "/")) }
        return String(decoding: bytes, as: UTF8.self)
    }

    var call: GrafanaError.Call {
        call(path: path)
    }

    func call(path: String) -> GrafanaError.Call {
        GrafanaError.Call(operation: operation, method: method.rawValue, path: path)
    }
}

extension GrafanaClient {
    /// Builds the transport request: headers in a fixed order, org header by the auth rules.
    func transportRequest(for request: APIRequest, path: String? = nil) -> TransportRequest {
        var headers: [HTTPHeaderField] = []
        headers.reserveCapacity(5 + request.headers.count)
        headers.append(HTTPHeaderField("Accept", "application/json"))
        headers.append(HTTPHeaderField("User-Agent", configuration.userAgent))
        if let authorization = requestParts.authorization {
            headers.append(HTTPHeaderField("Authorization", authorization))
        }
        if let org = configuration.orgHeader {
            headers.append(HTTPHeaderField("X-Grafana-Org-Id", org))
        }
        if request.body != nil {
            headers.append(HTTPHeaderField("Content-Type", "application/json"))
        }
        for extra in request.headers {
            headers.removeAll { ASCII.equalsIgnoringCase($0.name, extra.name) }
            headers.append(extra)
        }
        return TransportRequest(
            method: request.method,
            baseURL: configuration.baseURL,
            origin: requestParts.origin,
            path: path ?? request.path,
            query: request.query,
            headers: headers,
            body: request.body,
            timeouts: configuration.timeouts,
            tls: configuration.tls
        )
    }

    /// The one funnel every call goes through. Returns a 2xx response or throws.
    ///
    /// Throws ``GrafanaError`` for everything except cancellation, which passes through as
    /// `CancellationError`.
    func perform(_ request: APIRequest) async throws -> TransportResponse {
        let path = request.path
        let outgoing = transportRequest(for: request, path: path)
        let call = request.call(path: path)
        if request.method.isWrite, case .capture(let recorder) = writePolicy {
            let planned = PlannedWrite(operation: request.operation, request: outgoing)
            recorder.record(planned)
            logger.debug("planned \(call.method) \(call.path) (dry run)")
            throw GrafanaError(kind: .notSent, call: call, message: "Not sent (dry run)", plannedWrite: planned)
        }
        let started = ContinuousClock.now
        let response: TransportResponse
        // Cancelled before anything went out: nothing to warn about.
        try Task.checkCancellation()
        do {
            response = try await sendRetrying(outgoing, call: call)
        } catch is CancellationError {
            if request.method.isWrite { hooks.observe(.interruptedWrite(call)) }
            throw CancellationError()
        } catch let failure as ConnectionFailure {
            throw connectionError(failure, call: call, method: request.method)
        } catch let tooLarge as ResponseTooLarge {
            throw Self.tooLargeError(tooLarge, call: call, isWrite: request.method.isWrite)
        } catch let error as GrafanaError {
            throw error
        } catch {
            throw connectionError(
                ConnectionFailure(kind: .connectionFailed, cause: String(describing: error)),
                call: call,
                method: request.method
            )
        }
        logger.debug("\(call.method) \(call.path) -> \(response.status) in \(ContinuousClock.now - started)")
        guard (200..<300).contains(response.status) else {
            throw GrafanaError(response: response, call: call)
        }
        return response
    }

    /// Runs a lookup and maps 404 to nil, for the `--if-missing` style lookups.
    func nilIfNotFound<Result>(_ lookup: () async throws -> Result) async throws -> Result? {
        do {
            return try await lookup()
        } catch let error as GrafanaError where error.kind == .httpStatus && error.status == 404 {
            return nil
        }
    }

    /// Performs a call and decodes its JSON answer.
    func perform<Result: Decodable>(_ request: APIRequest, as type: Result.Type) async throws -> Result {
        let response = try await perform(request)
        return try decode(type, from: response, call: request.call)
    }

    func decode<Result: Decodable>(_ type: Result.Type, from response: TransportResponse, call: GrafanaError.Call)
        throws(GrafanaError) -> Result
    {
        do {
            return try JSONDecoder().decode(type, from: response.body)
        } catch let error as DecodingError {
            throw .invalidResponse(
                "Unexpected response: \(Self.summary(of: error, body: response.body))",
                call: call,
                status: response.status
            )
        } catch {
            throw .invalidResponse("Unexpected response: \(error)", call: call, status: response.status)
        }
    }

    /// Encodes a body with sorted keys, so the bytes are the same on every run. The model goes
    /// to a `Value` directly and out through the shared writer.
    static func jsonBody(_ value: some Encodable) -> Data {
        // Encoding plain structs of strings, numbers and booleans cannot fail.
        let tree = (try? ValueEncoder().encode(value)) ?? .record(Record())
        return Data(tree.jsonBytes(options: JSONWritingOptions(sortsKeys: true)))
    }

    /// A connection failure in words. What it says depends on how far the exchange got: before
    /// anything was sent it is "Cannot connect"; after a write was sent it says the write may
    /// have been applied, since repeating it blindly could apply it twice.
    private func connectionError(_ failure: ConnectionFailure, call: GrafanaError.Call, method: TransportRequest.Method)
        -> GrafanaError
    {
        let url = redactingUserInfo(configuration.baseURL.absoluteString)
        let raiseTimeout =
            "if the server is just slow, raise the limit with --timeout DURATION (or 'timeout:' in the config context)"
        guard failure.mayHaveBeenSent else {
            let hint: String? =
                switch failure.kind {
                case .connectionRefused: "Check that Grafana is running and listening at \(url)."
                case .hostNotFound: "Check the host name in the server URL."
                case .tlsFailure: "Trust the server's CA with --cacert FILE, or skip verification with --insecure."
                case .timeout: "The server did not accept the connection in time; check the URL and the network."
                default: nil
                }
            return GrafanaError(
                kind: failure.kind,
                call: call,
                message: "Cannot connect to \(url)",
                url: url,
                cause: failure.cause,
                hint: hint
            )
        }
        if method.isWrite {
            var hint = "Check on the server whether the change was made before sending it again"
            hint += failure.kind == .timeout ? "; \(raiseTimeout)." : "."
            return GrafanaError(
                kind: failure.kind,
                call: call,
                message: "The request was sent; Grafana may have applied it",
                url: url,
                cause: failure.cause,
                hint: hint,
                mayHaveBeenApplied: true
            )
        }
        if failure.kind == .timeout {
            return GrafanaError(
                kind: failure.kind,
                call: call,
                message: "No complete answer from \(url) in time",
                url: url,
                cause: failure.cause,
                hint: "The server is slow or stuck; \(raiseTimeout)."
            )
        }
        return GrafanaError(
            kind: failure.kind,
            call: call,
            message: "Lost the connection to \(url)",
            url: url,
            cause: failure.cause,
            hint: "The server or a proxy in between dropped the connection; try again, or raise --retries."
        )
    }

    /// A body over the transport's limit, in words. The status had arrived, so a 2xx write
    /// was applied.
    static func tooLargeError(_ tooLarge: ResponseTooLarge, call: GrafanaError.Call, isWrite: Bool) -> GrafanaError {
        let limit =
            tooLarge.limit % (1 << 20) == 0
            ? "\(tooLarge.limit >> 20) MiB"
            : tooLarge.limit % 1024 == 0 ? "\(tooLarge.limit >> 10) KiB" : "\(tooLarge.limit)-byte"
        let applied = isWrite && (200..<300).contains(tooLarge.status)
        return GrafanaError(
            kind: .invalidResponse,
            call: call,
            status: tooLarge.status,
            message: "The response (\(HTTPStatusText.line(tooLarge.status))) is larger than the \(limit) limit",
            hint: applied
                ? "Grafana accepted the request; only its answer was too large to read."
                : "Check that the URL points at Grafana and not at a proxy or another service."
        )
    }

    /// What is wrong with a body, by the decoding error's field path (below `under`, when the
    /// decoded part was one member of the body).
    static func summary(of error: DecodingError, body: Data, under prefix: String? = nil) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let names = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return ((prefix.map { [$0] } ?? []) + names).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context.codingPath + [key])
            return "missing field '\(at)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field '\(path(context.codingPath))' has an unexpected type"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "the body is not JSON (\(GrafanaError.snippet(of: body)))"
            }
            return "field '\(path(context.codingPath))' is invalid"
        @unknown default:
            return "the body does not match the API"
        }
    }
}
