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
        self.init(message: error.description, hint: hint, details: details)
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
