import Foundation
import GFSValue

extension TransportRequest: CustomStringConvertible, CustomReflectable {
    /// `POST http://localhost:3000/api/orgs`: no headers, no body, so no secrets.
    public var description: String { "\(method.rawValue) \(redactingUserInfo(url))" }

    /// Keeps `dump` from printing the `Authorization` header.
    public var customMirror: Mirror {
        Mirror(self, children: ["request": description])
    }

    /// The equivalent `curl` command, with credentials and secret body fields redacted.
    ///
    /// `curl -X POST 'http://localhost:3000/api/orgs' -u admin:*** -H 'Content-Type: application/json' --data-raw '{"name":"apiorg"}'`
    ///
    /// Basic auth becomes `-u USER:***`, a token `-H 'Authorization: Bearer ***'`. In the body,
    /// the values of `password`, `basicAuthPassword`, `key`, `token` and everything under
    /// `secureJsonData` become `"***"`. `Accept` and `User-Agent` are left out as noise.
    public var curlCommand: String {
        var words = ["curl"]
        if method != .get { words += ["-X", method.rawValue] }
        words.append(Self.shellQuote(redactingUserInfo(url)))
        for field in headers {
            switch field.name.lowercased() {
            case "accept", "user-agent":
                continue
            case "authorization":
                words += Self.redactedAuthorization(field.value)
            default:
                words += ["-H", Self.shellQuote("\(field.name): \(field.value)")]
            }
        }
        if let body {
            words += ["--data-raw", Self.shellQuote(Self.redactedBody(body))]
        }
        return words.joined(separator: " ")
    }

    private static func redactedAuthorization(_ value: String) -> [String] {
        if value.hasPrefix("Basic "),
            let decoded = Data(base64Encoded: String(value.dropFirst(6))),
            let pair = String(data: decoded, encoding: .utf8),
            let colon = pair.firstIndex(of: ":")
        {
            let user = String(pair[..<colon])
            return ["-u", shellQuoteIfNeeded(user) + ":***"]
        }
        if value.hasPrefix("Bearer ") {
            return ["-H", shellQuote("Authorization: Bearer ***")]
        }
        return ["-H", shellQuote("Authorization: ***")]
    }

    /// Body field names whose values are secrets.
    static let secretKeys: Set<String> = ["password", "basicauthpassword", "key", "token", "securejsondata"]

    static func redactedBody(_ body: Data) -> String {
        guard let document = try? Value(jsonUTF8: body) else {
            // Bodies are built by the client as JSON; anything else is not shown at all.
            return "***"
        }
        return redact(document).compactJSON
    }

    private static func redact(_ value: Value) -> Value {
        switch value {
        case .record(var record):
            for (key, member) in record {
                record[key] = secretKeys.contains(key.lowercased()) ? blank(member) : redact(member)
            }
            return .record(record)
        case .list(let items):
            return .list(items.map(redact))
        default:
            return value
        }
    }

    /// Replaces every leaf value with `"***"`, keeping the keys (`secureJsonData.password`).
    private static func blank(_ value: Value) -> Value {
        switch value {
        case .record(var record):
            for (key, member) in record { record[key] = blank(member) }
            return .record(record)
        case .list(let items): return .list(items.map(blank))
        case .null: return .null
        default: return .string("***")
        }
    }

    /// Single-quotes a word for POSIX shells.
    static func shellQuote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func shellQuoteIfNeeded(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_.@+".contains($0) }
        return plain && !word.isEmpty ? word : shellQuote(word)
    }
}
