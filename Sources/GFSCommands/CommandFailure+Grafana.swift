import Foundation
public import GFSLanguage
public import GrafanaAPI

extension CommandFailure {
    /// A Grafana error as a command failure: the client's one-line description (what failed,
    /// Grafana's message, status, request line), its hint, and `status`/`messageId` in
    /// `details` for `try` and `$error`. A write that may have been applied names `check`,
    /// the command that shows whether it was.
    public init(_ error: GrafanaError, check: String? = nil) {
        var details = Record()
        details["kind"] = .string(error.kind.description)
        if let status = error.status { details["status"] = .int(status) }
        if let messageID = error.messageID { details["messageId"] = .string(messageID) }
        if let call = error.call {
            details["method"] = .string(call.method)
            details["path"] = .string(call.path)
        }
        var hint = error.hint
        if error.mayHaveBeenApplied {
            details["mayHaveBeenApplied"] = .bool(true)
            if let check {
                let slow = error.kind == .timeout ? "; if the server is just slow, raise the limit with --timeout" : ""
                hint = "Check with '\(check)' before running it again\(slow)."
            }
        }
        if hint == nil, error.kind == .httpStatus, let status = error.status {
            hint = Self.hint(forStatus: status)
        }
        self.init(code: Self.code(for: error), message: error.description, hint: hint, details: details)
    }

    /// A bad connection setting or config file as a command failure (`connect`, `use`).
    public init(_ error: ContextError) {
        self.init(code: .configuration, message: error.message, hint: error.hint)
    }

    /// The code of a Grafana error: by kind, and for an HTTP status by the status class that
    /// Grafana's API uses it for (`pkg/api/response`: 400 bad input, 401 no or bad
    /// credentials, 403 access denied, 404 not found, 409 already exists, 412 version or name
    /// mismatch on dashboards and folders, 410 for routes a release removed, such as `POST
    /// /api/auth/keys` from 11.3 in `pkg/api/apikey.go` `AddAPIKey`).
    public static func code(for error: GrafanaError) -> ErrorCode {
        switch error.kind {
        case .httpStatus: code(forStatus: error.status ?? 0)
        case .connectionRefused: .connectionRefused
        case .hostNotFound: .hostNotFound
        case .tlsFailure: .tls
        case .timeout: .timeout
        case .connectionFailed: .connectionFailed
        case .invalidResponse: .grafanaInvalidResponse
        case .invalidRequest: .invalidRequest
        case .invalidConfiguration: .configuration
        case .notSent: .notSent
        case .serviceAccountRoleMismatch: .roleMismatch
        default: .commandFailed
        }
    }

    /// The code for an HTTP status outside 2xx.
    public static func code(forStatus status: Int) -> ErrorCode {
        switch status {
        case 400, 422: .grafanaBadRequest
        case 401: .grafanaUnauthorized
        case 403: .grafanaForbidden
        case 404: .grafanaNotFound
        case 409: .grafanaConflict
        case 410: .grafanaUnsupportedVersion
        case 412: .grafanaPreconditionFailed
        case 413: .grafanaTooLarge
        case 429: .grafanaRateLimited
        case 500...599: .grafanaServerError
        default: .grafanaHTTPError
        }
    }

    static func hint(forStatus status: Int) -> String? {
        switch status {
        case 401: "Check the credentials: 'context' shows which are in use."
        case 403: "The user or token lacks the permission; use an Admin user or token for this org."
        default: nil
        }
    }
}

/// Replaces every known secret in a text with `***`.
struct Redactor {
    var secrets: Set<String>

    func redact(_ text: String) -> String {
        var text = text
        // Longest first, so a secret that contains another is masked whole.
        for secret in secrets.sorted(by: { $0.count > $1.count }) where secret.count >= 4 {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    func redact(_ value: Value) -> Value {
        guard !secrets.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(redact(text))
        case .list(let values): return .list(values.map(redact))
        case .record(let record):
            var result = Record()
            for (key, value) in record { result[key] = redact(value) }
            return .record(result)
        default: return value
        }
    }
}
