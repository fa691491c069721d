public import Foundation

/// Sends one HTTP request and returns the whole response.
///
/// The seam between request building and the network: ``GrafanaClient`` builds a
/// ``TransportRequest`` in its one funnel and hands it to a transport. The real one is
/// ``StandardTransport`` (``SocketTransport`` for `http://`, ``AsyncHTTPClientTransport`` for
/// `https://`); tests pass a recorder that returns canned responses.
///
/// A transport reports a failure to reach the server by throwing ``ConnectionFailure``;
/// any other error is wrapped as ``GrafanaError/Kind/connectionFailed``, except
/// `CancellationError`, which passes through.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response, whatever its status.
    func send(_ request: TransportRequest) async throws -> TransportResponse

    /// Whether this transport ends `request` with a timeout once its total timeout has passed,
    /// even while the body is still arriving; the funnel then races no deadline of its own.
    func boundsWholeExchange(_ request: TransportRequest) -> Bool

    /// An executor whose thread sends requests without handing them to another thread, for
    /// tasks that send many (``GrafanaClient/withTransportExecutor(isolation:_:)``); nil when
    /// the transport has none.
    var taskExecutor: (any TaskExecutor)? { get }
}

extension HTTPTransport {
    /// Not unless the transport says so.
    public func boundsWholeExchange(_ request: TransportRequest) -> Bool { false }

    /// None unless the transport has one.
    public var taskExecutor: (any TaskExecutor)? { nil }
}

/// One header line.
public struct HTTPHeaderField: Sendable, Hashable {
    /// The header name as sent (`X-Grafana-Org-Id`).
    public var name: String
    /// The header value.
    public var value: String

    /// Creates a header line.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One query parameter; names may repeat (`tag=a&tag=b`).
public struct QueryItem: Sendable, Hashable {
    /// The parameter name, unencoded.
    public var name: String
    /// The parameter value, unencoded.
    public var value: String

    /// Creates a query parameter.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A fully built request: everything a transport needs to send it.
public struct TransportRequest: Sendable, Hashable {
    /// The HTTP methods the Grafana API uses.
    public enum Method: String, Sendable, Hashable {
        case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE"
        /// Only `api HEAD PATH` sends it; no typed call does.
        case head = "HEAD"

        /// Whether the request changes server state (everything but GET and HEAD).
        public var isWrite: Bool { self != .get && self != .head }

        /// Whether sending the request twice has the effect of sending it once (RFC 9110
        /// section 9.2.2: GET, HEAD, PUT, DELETE), so the funnel may send it again after a
        /// transient failure. POST and PATCH are not: a second copy could create a second resource.
        public var isIdempotent: Bool { self == .get || self == .head || self == .put || self == .delete }
    }

    /// The HTTP method.
    public var method: Method
    /// The server root, with any sub-path prefix.
    public var baseURL: URL {
        didSet { origin = HTTPOrigin(baseURL: baseURL) }
    }
    /// The `http://` server of `baseURL`, parsed once (nil for any other scheme); the client
    /// passes the one it parsed from its configuration.
    private(set) var origin: HTTPOrigin?
    /// The API path, unescaped segments already percent-encoded: `/api/orgs/name/My%20Org`.
    public var path: String
    /// Query parameters in order, unencoded.
    public var query: [QueryItem]
    /// Header lines in the order they are sent, `Authorization` included.
    public var headers: [HTTPHeaderField]
    /// The JSON body, if any.
    public var body: Data?
    /// The timeouts the transport applies to this request.
    public var timeouts: GrafanaClient.Timeouts
    /// The certificate checks the transport applies to this request.
    public var tls: GrafanaClient.TLS

    /// Creates a request; the client's funnel is the usual author.
    public init(
        method: Method,
        baseURL: URL,
        path: String,
        query: [QueryItem] = [],
        headers: [HTTPHeaderField] = [],
        body: Data? = nil,
        timeouts: GrafanaClient.Timeouts = .init(),
        tls: GrafanaClient.TLS = .init()
    ) {
        self.init(
            method: method,
            baseURL: baseURL,
            origin: HTTPOrigin(baseURL: baseURL),
            path: path,
            query: query,
            headers: headers,
            body: body,
            timeouts: timeouts,
            tls: tls
        )
    }

    /// Creates a request whose base URL's origin is already known (`HTTPOrigin(baseURL:)`).
    init(
        method: Method,
        baseURL: URL,
        origin: HTTPOrigin?,
        path: String,
        query: [QueryItem],
        headers: [HTTPHeaderField],
        body: Data?,
        timeouts: GrafanaClient.Timeouts,
        tls: GrafanaClient.TLS
    ) {
        self.method = method
        self.baseURL = baseURL
        self.origin = origin
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
        self.tls = tls
    }

    /// The full URL: base URL (prefix kept, trailing slash dropped), path, encoded query.
    public var url: String {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var url = base + path
        if !query.isEmpty {
            url +=
                "?"
                + query.map { "\(Self.encodeQuery($0.name))=\(Self.encodeQuery($0.value))" }
                .joined(separator: "&")
        }
        return url
    }

    /// The value of the first header named `name` (ASCII case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { ASCII.equalsIgnoringCase($0.name, name) }?.value
    }

    /// Percent-encodes one path segment (a name such as `My Org/EU` becomes `My%20Org%2FEU`):
    /// everything but RFC 3986's unreserved characters is escaped.
    static func encodePathSegment(_ segment: String) -> String {
        PercentEncoding.encode(segment)
    }

    static func encodeQuery(_ text: String) -> String {
        PercentEncoding.encode(text)
    }
}

/// A complete response.
public struct TransportResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// Header lines as received.
    public var headers: [HTTPHeaderField]
    /// The whole body.
    public var body: Data

    /// Creates a response (transports and test recorders do).
    public init(status: Int, headers: [HTTPHeaderField] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name` (ASCII case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { ASCII.equalsIgnoringCase($0.name, name) }?.value
    }
}

/// The server could not be reached; thrown by transports, wrapped into ``GrafanaError``.
public struct ConnectionFailure: Error, Sendable, Hashable {
    /// How far the exchange got, which decides whether a write may have reached Grafana.
    public enum Stage: Sendable, Hashable {
        /// Resolving, connecting or the TLS handshake: nothing was sent.
        case connecting
        /// The request was, or may have been, sent; no response had begun.
        case awaitingResponse
        /// The response's status line and headers had arrived (with this status), its body had not.
        case readingBody(status: Int)
    }

    /// One of the connection kinds of ``GrafanaError/Kind``.
    public var kind: GrafanaError.Kind
    /// The cause in words, without secrets: "connection refused (errno 111)".
    public var cause: String
    /// How far the exchange got.
    public var stage: Stage
    /// The connection was dropped (reset, or closed by the server) rather than refused, timed
    /// out or failed in TLS: a transient fault worth another try for a request that may be repeated.
    public var isDropped: Bool

    /// Creates a failure report. Without a stage, refusals, unknown hosts and TLS failures are
    /// taken to have sent nothing and everything else to have sent the request.
    public init(kind: GrafanaError.Kind, cause: String, stage: Stage? = nil, isDropped: Bool = false) {
        self.kind = kind
        self.cause = cause
        self.stage =
            stage
            ?? ([.connectionRefused, .hostNotFound, .tlsFailure].contains(kind) ? .connecting : .awaitingResponse)
        self.isDropped = isDropped
    }

    /// Whether the request may have reached the server.
    public var mayHaveBeenSent: Bool { stage != .connecting }
}

/// A response whose body is larger than the transport accepts. Its status had arrived, so a
/// write it answers was acted on.
public struct ResponseTooLarge: Error, Sendable, Hashable {
    /// The response's HTTP status.
    public var status: Int
    /// The limit in bytes.
    public var limit: Int

    /// Creates the report.
    public init(status: Int, limit: Int) {
        self.status = status
        self.limit = limit
    }
}
