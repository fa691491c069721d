import Foundation
import GFSValue
import Hummingbird

// What Grafana checks in a contact point's settings and in a notification template before it
// stores them, with its wording. The checks run in the sandbox on their own (gfs checks its
// files separately), so a mistake on one side is not silently agreed with by the other.

// MARK: Contact-point settings

extension AlertingController {
    /// `definitions.RedactedValue`: what a secret setting reads as in every answer.
    static let redacted = "[REDACTED]"

    /// The secure settings of the common integration types, the options marked `Secure: true`
    /// in `pkg/services/ngalert/notifier/channels_config/available_channels.go`
    /// (`GetSecretKeysForContactPointType`). `CreateContactPoint` moves them to
    /// `SecureSettings` and answers them as `[REDACTED]`; `UpdateContactPoint` puts the stored
    /// value back for a setting sent as `[REDACTED]`.
    static let secretSettings: [String: [String]] = [
        "slack": ["url", "token"],
        "webhook": ["password", "authorization_credentials"],
        "pagerduty": ["integrationKey"],
        "telegram": ["bottoken"],
        "opsgenie": ["apiKey"],
    ]

    /// The first problem Grafana's integration factory reports for these settings, or nil.
    /// Each message is the factory's own (`github.com/grafana/alerting/receivers/*/config.go`
    /// `NewConfig`); types not listed here are accepted with any settings.
    static func settingsProblem(type: String, settings: Record) -> String? {
        func text(_ key: String) -> String {
            if case .string(let value)? = settings[key] { return value }
            return ""
        }
        switch type {
        case "email":
            return text("addresses").isEmpty ? "could not find addresses in settings" : nil
        case "slack":
            // `slack.NewConfig`: without `url` the chat API is used, which needs both.
            let endpoint = text("endpointUrl").isEmpty ? "https://slack.com/api/chat.postMessage" : text("endpointUrl")
            let url = text("url").isEmpty ? endpoint : text("url")
            guard url == "https://slack.com/api/chat.postMessage" else { return nil }
            if text("recipient").trimmingCharacters(in: .whitespaces).isEmpty {
                return "recipient must be specified when using the Slack chat API"
            }
            return text("token").isEmpty ? "token must be specified when using the Slack chat API" : nil
        case "webhook":
            return text("url").isEmpty ? "required field 'url' is not specified" : nil
        case "pagerduty":
            return text("integrationKey").isEmpty ? "could not find integration key property in settings" : nil
        case "teams":
            return text("url").isEmpty ? "could not find url property in settings" : nil
        case "telegram":
            if text("bottoken").isEmpty { return "could not find Bot Token in settings" }
            return settings["chatid"] == nil || settings["chatid"] == .null ? "could not find Chat Id in settings" : nil
        case "opsgenie":
            return text("apiKey").isEmpty ? "could not find api key property in settings" : nil
        default:
            return contactPointTypes.contains(type) ? nil : "notifier \(type) is not supported"
        }
    }

    /// `ValidateContactPoint` wrapped by `CreateContactPoint`/`UpdateContactPoint` in
    /// `provisioning.ErrValidation` (400 `invalid object specification: …`). From 11 the
    /// factory's error is an `IntegrationValidationError` (`failed to validate integration
    /// "NAME" (UID U) of type "T": …`; the UID is the one sent, as `CreateContactPoint`
    /// validates before it makes one). Before, `EmbeddedContactPoint.Valid` refused an unknown
    /// type itself (`unknown type 'T'`) and built the factory's config without the name, so
    /// `ReceiverInitError` reads `failed to validate receiver of type "T": …`.
    func validateSettings(name: String, uid: String, type: String, settings: Record) throws {
        guard let problem = Self.settingsProblem(type: type, settings: settings) else { return }
        guard environment.version.contactPointValidationNamesIntegration else {
            guard Self.contactPointTypes.contains(type) else { throw Self.invalidObject("unknown type '\(type)'") }
            throw Self.invalidObject("failed to validate receiver of type \"\(type)\": \(problem)")
        }
        let named = name.isEmpty ? "" : "\"\(name)\" "
        throw Self.invalidObject("failed to validate integration \(named)(UID \(uid)) of type \"\(type)\": \(problem)")
    }

    /// A contact point as answered: its secret settings as `[REDACTED]` when set.
    static func redactingSecrets(_ point: StoredContactPoint) -> StoredContactPoint {
        guard let keys = secretSettings[point.type], case .record(var settings) = point.settings else { return point }
        for key in keys {
            if case .string(let value)? = settings[key], !value.isEmpty { settings[key] = .string(redacted) }
        }
        var answered = point
        answered.settings = .record(settings)
        return answered
    }

    /// `UpdateContactPoint`: a secret sent back as `[REDACTED]` keeps the stored value.
    static func restoringSecrets(_ settings: Record, type: String, from stored: StoredContactPoint?) -> Record {
        guard let keys = secretSettings[type], let stored, case .record(let old) = stored.settings else {
            return settings
        }
        var merged = settings
        for key in keys where settings[key] == .string(redacted) { merged[key] = old[key] ?? .string("") }
        return merged
    }
}

// MARK: Templates

/// Go's `text/template` parser, as far as Grafana's template check reaches: the structure of
/// actions, comments and quoted strings and the nesting of `if`/`range`/`with`/`define`/`block`
/// with `else` and `end` (`definitions.NotificationTemplate.Validate` parses the template and
/// refuses it on a parse error; so does `TemplateDefinition.Validate` in grafana/alerting).
/// Parsing does not resolve `{{ template "x" }}`, so Grafana accepts a name no template defines
/// (Go reports it only when a notification is rendered). Function names are not checked: the
/// set Grafana registers changes between releases.
enum GoTemplateSyntax {
    /// The first parse error as Go words it (`template: NAME:LINE: message`), or nil.
    static func firstError(in text: String, name: String) -> String? {
        let bytes = Array(text.utf8)
        var line = 1
        var index = 0
        var open: [String] = []
        func fail(_ message: String) -> String { "template: \(name):\(line): \(message)" }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "{"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{")
            else {
                if bytes[index] == UInt8(ascii: "\n") { line += 1 }
                index += 1
                continue
            }
            let startLine = line
            index += 2
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] == UInt8(ascii: " ") {
                index += 1
            }
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                index += 1
            }
            // A comment runs to `*/`, then the action must close.
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "/"), bytes[index + 1] == UInt8(ascii: "*") {
                guard let end = find([UInt8(ascii: "*"), UInt8(ascii: "/")], in: bytes, from: index + 2) else {
                    return "template: \(name):\(startLine): unclosed comment"
                }
                line += bytes[index..<end].filter { $0 == UInt8(ascii: "\n") }.count
                index = end + 2
                while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "}"), bytes[index + 1] == UInt8(ascii: "}")
                else { return fail("comment ends before closing delimiter") }
                index += 2
                continue
            }
            // The action's words, up to `}}` outside quotes.
            var words: [String] = []
            var word: [UInt8] = []
            var closed = false
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "}"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "}") {
                    index += 2
                    closed = true
                    break
                }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "'") {
                    var end = index + 1
                    while end < bytes.count, bytes[end] != byte {
                        if byte != UInt8(ascii: "`") && (bytes[end] == UInt8(ascii: "\n")) { break }
                        if byte != UInt8(ascii: "`") && bytes[end] == UInt8(ascii: "\\") { end += 1 }
                        end += 1
                    }
                    guard end < bytes.count, bytes[end] == byte else {
                        if byte == UInt8(ascii: "'") { return fail("unterminated character constant") }
                        return fail(
                            byte == UInt8(ascii: "`") ? "unterminated raw quoted string" : "unterminated quoted string"
                        )
                    }
                    line += bytes[index...end].filter { $0 == UInt8(ascii: "\n") }.count
                    word.append(contentsOf: bytes[index...end])
                    index = end + 1
                    continue
                }
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                    || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
                {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
                    word = []
                } else {
                    word.append(byte)
                }
                index += 1
            }
            guard closed else { return fail("unclosed action") }
            if !word.isEmpty { words.append(String(decoding: word, as: UTF8.self)) }
            if words.last == "-" { words.removeLast() }
            switch words.first {
            case nil: return fail("missing value for command")
            case "if", "range", "with", "define", "block": open.append(words[0])
            case "else":
                // `parse`: at the top level; `parseDefinition`: in a define or block body.
                guard let last = open.last else { return fail("unexpected {{else}}") }
                if last == "define" || last == "block" { return fail("unexpected {{else}} in \(last) clause") }
            case "end":
                guard !open.isEmpty else { return fail("unexpected {{end}}") }
                open.removeLast()
            default: break
            }
        }
        return open.isEmpty ? nil : fail("unexpected EOF")
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + needle.count <= bytes.count {
            if Array(bytes[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }

    /// `NotificationTemplate.Validate`: a template without `{{ define` is wrapped in one named
    /// after it (two spaces of indent, one line above), so Go's line numbers count that line.
    static func validationError(template: String, name: String) -> String? {
        let content = template.trimmingCharacters(in: .whitespacesAndNewlines)
        if content.range(of: #"\{\{\s*define"#, options: .regularExpression) != nil {
            return firstError(in: content, name: name)
        }
        let indented = content.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        return firstError(
            in: "{{ define \"\(name)\" }}\n" + indented.joined(separator: "\n") + "\n{{ end }}",
            name: name
        )
    }
}
