import Foundation

/// An error from a Grafana call: an HTTP error status, a connection failure, an unreadable
/// response, or a write held back by a dry run.
///
/// Modelled on AsyncHTTPClient's `HTTPClientError`: a struct over a private code, so kinds
/// can be added without breaking callers. Match on ``kind``:
///
/// ```swift
/// catch let error as GrafanaError where error.kind == .httpStatus && error.status == 409 { ... }
/// ```
///
/// Nothing in an error (its ``description``, ``message``, ``hint``) contains a password,
/// token or `Authorization` header: requests are described by method and path only.
public struct GrafanaError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in categories a caller can branch on.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case httpStatus = "HTTP error status"
            case connectionRefused = "connection refused"
            case hostNotFound = "host not found"
            case tlsFailure = "TLS failure"
            case timeout = "timeout"
            case connectionFailed = "connection failed"
            case invalidResponse = "invalid response"
            case invalidRequest = "invalid request"
            case invalidConfiguration = "invalid configuration"
            case notSent = "not sent (dry run)"
            case serviceAccountRoleMismatch = "service account role mismatch"
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// Grafana answered with a status outside 2xx; see ``GrafanaError/status``.
        public static let httpStatus = Kind(.httpStatus)
        /// Nothing listens at the server's address.
        public static let connectionRefused = Kind(.connectionRefused)
        /// The host name does not resolve.
        public static let hostNotFound = Kind(.hostNotFound)
        /// The TLS handshake failed (untrusted certificate, wrong host name, not TLS).
        public static let tlsFailure = Kind(.tlsFailure)
        /// Connecting or reading took longer than the configured timeout.
        public static let timeout = Kind(.timeout)
        /// Another network failure (connection reset, closed early).
        public static let connectionFailed = Kind(.connectionFailed)
        /// A 2xx response whose body is not what the API documents.
        public static let invalidResponse = Kind(.invalidResponse)
        /// The caller passed something that cannot be sent (a document that is not JSON).
        public static let invalidRequest = Kind(.invalidRequest)
        /// The configuration cannot work (bad URL, unreadable CA file).
        public static let invalidConfiguration = Kind(.invalidConfiguration)
        /// A write was captured by a dry run instead of being sent, and the caller asked for its
        /// answer (``WriteOutcome/get()``); see ``GrafanaError/plannedWrite``.
        public static let notSent = Kind(.notSent)
        /// `createKey` found the service account with another role than the one asked for.
        public static let serviceAccountRoleMismatch = Kind(.serviceAccountRoleMismatch)

        /// Whether this kind is a failure to reach the server at all.
        public var isConnectionFailure: Bool {
            switch code {
            case .connectionRefused, .hostNotFound, .tlsFailure, .timeout, .connectionFailed: true
            default: false
            }
        }

        /// The kind in words: "connection refused".
        public var description: String { code.rawValue }
    }

    /// The call that failed: a human name and the request line.
    public struct Call: Sendable, Hashable, CustomStringConvertible {
        /// What the call does, in lower case: "create organization".
        public var operation: String
        /// The HTTP method: "POST".
        public var method: String
        /// The API path without the base URL's prefix or the query: "/api/orgs".
        public var path: String

        /// Creates a call description; the client makes these, tests compare against them.
        public init(operation: String, method: String, path: String) {
            self.operation = operation
            self.method = method
            self.path = path
        }

        /// `create organization (POST /api/orgs)`.
        public var description: String { "\(operation) (\(method) \(path))" }
    }

    /// The category of failure.
    public let kind: Kind
    /// The call that failed, when the error comes from a request.
    public let call: Call?
    /// The HTTP status, for ``Kind/httpStatus`` (and for ``Kind/invalidResponse`` when known).
    public let status: Int?
    /// Grafana's `message` from the error body, or the client's own wording otherwise.
    public let message: String
    /// Grafana's `messageId` (errutil errors: `"api-key.invalid"`), if the body had one.
    public let messageID: String?
    /// Grafana's `status` string on dashboard and folder errors (`"version-mismatch"`).
    public let grafanaStatus: String?
    /// The server URL (without credentials), for connection failures.
    public let url: String?
    /// The underlying cause in words ("Connection refused (errno 111)"), for connection failures.
    public let cause: String?
    /// A full sentence that suggests what to do, when there is an obvious next step.
    public let hint: String?
    /// The write a dry run captured, for ``Kind/notSent`` (from ``WriteOutcome/get()``).
    public let plannedWrite: PlannedWrite?
    /// A write was sent and then the connection failed or timed out: Grafana may have applied
    /// it, so it should be checked before it is sent again.
    public let mayHaveBeenApplied: Bool

    init(
        kind: Kind,
        call: Call? = nil,
        status: Int? = nil,
        message: String,
        messageID: String? = nil,
        grafanaStatus: String? = nil,
        url: String? = nil,
        cause: String? = nil,
        hint: String? = nil,
        plannedWrite: PlannedWrite? = nil,
        mayHaveBeenApplied: Bool = false
    ) {
        self.kind = kind
        self.call = call
        self.status = status
        self.message = message
        self.messageID = messageID
        self.grafanaStatus = grafanaStatus
        self.url = url
        self.cause = cause
        self.hint = hint
        self.plannedWrite = plannedWrite
        self.mayHaveBeenApplied = mayHaveBeenApplied
    }

    /// One line: what failed, Grafana's message, the status and the request line.
    ///
    /// `Create organization failed: Organization name taken (409 Conflict, POST /api/orgs)`
    public var description: String {
        if kind == .notSent, let call {
            return "Dry run: not sent: \(call.operation) (\(call.method) \(call.path))"
        }
        var text: String
        if let call {
            text = call.operation.prefix(1).uppercased() + call.operation.dropFirst() + " failed: "
        } else {
            text = ""
        }
        text += message
        var details: [String] = []
        if let status, kind == .httpStatus {
            details.append(HTTPStatusText.line(status))
        }
        if kind.isConnectionFailure, let cause {
            // The message already names the URL; the cause is the useful detail.
            details.append(cause)
        }
        if let call { details.append("\(call.method) \(call.path)") }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        return text
    }
}

extension GrafanaError {
    static func invalidConfiguration(_ message: String, hint: String? = nil) -> GrafanaError {
        GrafanaError(kind: .invalidConfiguration, message: message, hint: hint)
    }

    static func invalidRequest(_ message: String, call: Call? = nil, hint: String? = nil) -> GrafanaError {
        GrafanaError(kind: .invalidRequest, call: call, message: message, hint: hint)
    }

    static func invalidResponse(_ message: String, call: Call?, status: Int?) -> GrafanaError {
        GrafanaError(
            kind: .invalidResponse,
            call: call,
            status: status,
            message: message,
            hint: "Check that the URL points at Grafana and not at a proxy or another service."
        )
    }
}

/// Reason phrases for the statuses Grafana uses, for messages.
enum HTTPStatusText {
    static func line(_ status: Int) -> String {
        if let reason = reasons[status] { return "\(status) \(reason)" }
        return String(status)
    }

    static let reasons: [Int: String] = [
        200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found",
        304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 409: "Conflict", 410: "Gone", 412: "Precondition Failed",
        413: "Payload Too Large", 422: "Unprocessable Entity", 429: "Too Many Requests",
        500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
        504: "Gateway Timeout",
    ]
}
