public import Foundation

/// A request to any endpoint, described as a person types it: `POST /api/teams` with a body.
///
/// It goes through the same funnel as the typed calls, so it carries the client's
/// credentials, org, timeouts and TLS settings, obeys the ``WritePolicy`` and fails with the
/// same ``GrafanaError``s.
public struct RawRequest: Sendable, Hashable {
    /// The HTTP method.
    public var method: TransportRequest.Method
    /// The path below the server's URL, as typed: `/api/teams/search`. It may carry a query
    /// (`/api/search?type=dash-folder`) and percent-escapes (`/api/orgs/name/My%20Org`).
    public var path: String
    /// Query parameters added after those in ``path``, unencoded.
    public var query: [QueryItem]
    /// Extra header lines; each replaces the client's header of the same name, except
    /// `Authorization`, which only the credentials set.
    public var headers: [HTTPHeaderField]
    /// The body, sent as is.
    public var body: Data?

    /// Creates a request.
    public init(
        method: TransportRequest.Method,
        path: String,
        query: [QueryItem] = [],
        headers: [HTTPHeaderField] = [],
        body: Data? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

extension GrafanaClient {
    /// Sends a request to any endpoint and returns the 2xx response whole, or the planned
    /// write when a dry run captured it.
    ///
    /// Throws ``GrafanaError`` with Grafana's message and status for other statuses, and of kind
    /// ``GrafanaError/Kind/invalidRequest`` (before sending) for a path that is not below the
    /// server or an `Authorization` header: credentials come from the configuration only, so a
    /// token never sits in a command line.
    public func send(_ raw: RawRequest) async throws -> WriteOutcome<TransportResponse> {
        let (segments, pathQuery) = try Self.split(raw.path)
        if raw.headers.contains(where: { $0.name.caseInsensitiveCompare("Authorization") == .orderedSame }) {
            throw GrafanaError.invalidRequest(
                "Cannot set the Authorization header",
                hint: "Authenticate with 'use token', 'use $key' or 'connect --token-env VAR' instead."
            )
        }
        let request = APIRequest(
            "request",
            raw.method,
            segments,
            query: pathQuery + raw.query,
            body: raw.body,
            headers: raw.headers
        )
        // Reads are sent even in a dry run, as for the typed calls.
        if raw.method.isWrite { return try await recordOrSend(request) }
        return .sent(try await perform(request))
    }

    /// Splits `/api/orgs/name/My%20Org?x=1` into unescaped segments and query items; the
    /// funnel escapes each segment again, so an escaped `/` (`%2F`) stays inside its segment.
    static func split(_ path: String) throws(GrafanaError) -> (segments: [String], query: [QueryItem]) {
        if path.contains("://") {
            throw .invalidRequest(
                "Expected a path, not a URL: '\(redactingUserInfo(path))'",
                hint: "Give the path below the server's URL, such as /api/health; 'connect' sets the server."
            )
        }
        var text = Substring(path)
        var query: [QueryItem] = []
        if let mark = text.firstIndex(of: "?") {
            query = text[text.index(after: mark)...].split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = unescape(parts[0])
                return QueryItem(name, parts.count > 1 ? unescape(parts[1]) : "")
            }
            text = text[..<mark]
        }
        if text.hasPrefix("/") { text = text.dropFirst() }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false).map { unescape($0) }
        return (segments, query)
    }

    private static func unescape(_ text: Substring) -> String {
        String(text).removingPercentEncoding ?? String(text)
    }
}
