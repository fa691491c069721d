import Foundation

extension GrafanaError {
    /// The error bodies Grafana sends, all shapes at once (API-NOTES §1.1):
    /// `{"message"}`, plus `traceID` (response.Error with an error), errutil's
    /// `messageId`/`statusCode`/`extra`, dashboard and folder errors' string `status`,
    /// and the RBAC denial's `title`/`accessErrorId` (pkg/services/accesscontrol/middleware.go).
    private struct Body: Decodable {
        var message: String?
        var messageId: String?
        var status: String?
        var title: String?
        var accessErrorId: String?

        enum CodingKeys: String, CodingKey {
            case message, messageId, status, title, accessErrorId
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // Decode each field on its own: a field of an unexpected type must not hide the message.
            message = try? container.decodeIfPresent(String.self, forKey: .message)
            messageId = try? container.decodeIfPresent(String.self, forKey: .messageId)
            status = try? container.decodeIfPresent(String.self, forKey: .status)
            title = try? container.decodeIfPresent(String.self, forKey: .title)
            accessErrorId = try? container.decodeIfPresent(String.self, forKey: .accessErrorId)
        }
    }

    /// An error for a non-2xx response, keeping Grafana's message, messageId and status string.
    init(response: TransportResponse, call: Call) {
        let status = response.status
        let body = try? JSONDecoder().decode(Body.self, from: response.body)
        var message: String
        if let text = body?.message, !text.isEmpty {
            message = text
        } else if let title = body?.title, !title.isEmpty {
            message = title
        } else if body != nil || response.body.isEmpty {
            message = "Grafana answered \(HTTPStatusText.line(status))"
        } else {
            message =
                "Grafana answered \(HTTPStatusText.line(status)) with a body that is not JSON: \(Self.snippet(of: response.body))"
        }
        if Self.redirectStatuses.contains(status) {
            let location = response.header("Location").map { " to \(redactingUserInfo($0))" } ?? ""
            message = "Unexpected redirect\(location)"
        }
        self.init(
            kind: .httpStatus,
            call: call,
            status: status,
            message: message,
            messageID: body?.messageId,
            grafanaStatus: body?.status,
            hint: Self.hint(status: status, messageID: body?.messageId, grafanaStatus: body?.status, call: call)
        )
    }

    /// Statuses that mean "look elsewhere"; redirects are never followed (see the transport).
    /// 304 is not one: Grafana uses it for "Endpoint only available for users".
    static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// Hints for the answers that have an obvious next step.
    private static func hint(status: Int, messageID: String?, grafanaStatus: String?, call: Call) -> String? {
        switch (status, messageID ?? grafanaStatus ?? "") {
        case (let status, _) where redirectStatuses.contains(status):
            return "Check the server URL: Grafana may be served under another scheme, host or sub-path."
        case (304, _) where call.path == "/api/user/orgs":
            // hs.getUserID answers 304 "Endpoint only available for users", body dropped on
            // the wire (API-NOTES §2.3).
            return "Only users belong to organizations; a token acts in its own organization."
        case (401, "auth.unauthorized"):
            return "Give a user and password, or a token."
        case (401, "password-auth.failed"):
            return "Check the user name and password."
        case (401, "api-key.organization-mismatch"):
            return "A token acts only in its own organization; do not select another org with it."
        case (401, "api-key.invalid"), (401, "api-key.expired"), (401, "api-key.revoked"):
            return "Create a new token; this one is not accepted by the server."
        case (410, _) where call.path.hasPrefix("/api/auth/keys"):
            // Grafana 11.3+ answers 410 on POST /api/auth/keys (API-NOTES §2.4).
            return "This Grafana creates keys through service accounts."
        case (412, "version-mismatch"), (412, "name-exists"):
            return "Save with overwrite to replace the dashboard on the server."
        default:
            return nil
        }
    }

    /// A short, single-line excerpt of a body for messages, never the inside of a JSON document.
    ///
    /// A body that starts like JSON but does not parse could be a truncated key-creation answer,
    /// so it is not quoted; an HTML page is reduced to its `<title>`.
    static func snippet(of body: Data) -> String {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
            return "malformed JSON"
        }
        if let open = trimmed.range(of: "<title>", options: .caseInsensitive),
            let close = trimmed.range(
                of: "</title>",
                options: .caseInsensitive,
                range: open.upperBound..<trimmed.endIndex
            )
        {
            return
                "HTML page '\(trimmed[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines))'"
        }
        let flat = trimmed.map { $0.isNewline || $0 == "\t" ? " " : $0 }
        var line = String(flat.prefix(80))
        if flat.count > 80 { line += "…" }
        return "'\(scrubTokens(line))'"
    }

    /// Blanks anything shaped like a service-account token (`glsa_…`) or legacy key (`eyJrIjoi…`).
    static func scrubTokens(_ text: String) -> String {
        var words: [String] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if word.contains("glsa_") || word.contains("eyJrIjoi") {
                words.append("***")
            } else {
                words.append(String(word))
            }
        }
        return words.joined(separator: " ")
    }
}
