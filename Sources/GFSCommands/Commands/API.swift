import Foundation
import GFSLanguage
import GrafanaAPI

// api METHOD PATH: any endpoint, with the session's server, credentials and org.
extension GFSCommandCatalog {
    static let api: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["api"],
                summary: "Send any request to the Grafana HTTP API and return its answer.",
                arguments: [
                    ArgumentSpec(
                        "method",
                        completion: .httpMethod,
                        summary: "GET, POST, PUT, PATCH, DELETE or HEAD, in any case."
                    ),
                    ArgumentSpec(
                        "path",
                        completion: .apiPath,
                        summary: "The path below the server's URL, such as /api/health."
                    ),
                ],
                options: [
                    OptionSpec(
                        "body",
                        valueName: "BODY",
                        summary: "JSON text, @FILE for a file's contents, or a value sent as JSON."
                    ),
                    OptionSpec("query", valueName: "KEY=VALUE", isRepeatable: true, summary: "A query parameter."),
                    OptionSpec("header", valueName: "'NAME: VALUE'", isRepeatable: true, summary: "A header line."),
                ],
                example: "api POST /api/teams --body '{\"name\": \"ops\"}'",
                discussion: """
                    The request carries the session's server, credentials and org, like every other
                    command. Its answer is the result: the JSON body as a value (so
                    '(api GET /api/teams/search).teams' works), other text as a string, and null for
                    an empty body. A status outside 2xx fails with Grafana's message, and
                    '$error.status' holds the status under 'try'. A text or @FILE body must be JSON
                    unless a Content-Type header names another type; it is checked before anything
                    is sent. With --dry-run every method but GET and HEAD is printed as curl and not
                    sent. The Authorization header cannot be set: use 'use token' or 'connect'.
                    Paths complete from Grafana 11.4.0's OpenAPI spec, the only one shipped, whatever
                    the server's version.
                    """
            )
        ) { try await $0.callAPI($1) }
    ]
}

extension GrafanaShellHost {
    /// Sends the request and returns the answer as a value: the parsed JSON body, the text of
    /// a body that is not JSON, or null for an empty one.
    ///
    /// The body is read and checked before anything is sent. A non-2xx answer fails through
    /// the usual `GrafanaError` path (Grafana's message, `$error.status`); under `--dry-run` a
    /// write is printed as curl and gives a placeholder marked `dryRun: true`.
    func callAPI(_ call: CommandArguments) async throws -> Value {
        let methodText = try call.required("method")
        guard let method = TransportRequest.Method(rawValue: methodText.uppercased()) else {
            throw CommandFailure(
                message: "Unknown HTTP method '\(methodText)'",
                hint: "Use GET, POST, PUT, PATCH, DELETE or HEAD."
            )
        }
        let path = try call.required("path")
        let headers = try call.options("header").map(Self.headerField)
        let query = try call.options("query").map(Self.queryItem)
        let contentType = headers.last { $0.name.caseInsensitiveCompare("Content-Type") == .orderedSame }?.value
        let body = try requestBody(try call.optionValue("body"), contentType: contentType)
        if let body { rememberSecrets(in: body) }

        let outcome = try await client.send(
            RawRequest(method: method, path: path, query: query, headers: headers, body: body)
        )
        if let response = outcome.answer { rememberSecrets(in: response.body) }
        return result(
            of: outcome,
            planned: Record([("method", .string(method.rawValue)), ("path", .string(path))])
        ) { Self.value(of: $0.body) }
    }

    /// The bytes to send for `--body`: a value as compact JSON; text (or `@FILE`'s contents)
    /// as is, after checking it is JSON unless a `Content-Type` that is not JSON was given.
    func requestBody(_ option: Value?, contentType: String?) throws -> Data? {
        guard let option else { return nil }
        guard case .string(let text) = option else { return Data(option.compactJSON.utf8) }
        let source: String
        let content: String
        if text.hasPrefix("@") {
            source = String(text.dropFirst())
            guard let data = FileManager.default.contents(atPath: source) else {
                throw CommandFailure(
                    message: "Cannot read '\(source)'",
                    hint: "Check that the file exists and is readable; nothing was sent."
                )
            }
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw CommandFailure(message: "'\(source)' is not UTF-8 text", hint: "Nothing was sent.")
            }
            content = decoded
        } else {
            source = "body"
            content = text
        }
        let declaredJSON = contentType.map { $0.lowercased().contains("json") } ?? true
        if declaredJSON {
            do {
                _ = try Value(json: content)
            } catch {
                throw CommandFailure(
                    message: "\(source):\(error.line):\(error.column): \(error.message)",
                    hint:
                        "Nothing was sent. Fix the JSON, or give a header such as "
                        + "--header 'Content-Type: text/plain' to send the text as it is."
                )
            }
        }
        return Data(content.utf8)
    }

    /// An answer's body as a value: JSON parsed, other text as a string, nothing as null.
    static func value(of body: Data) -> Value {
        guard !body.isEmpty else { return .null }
        let text = String(decoding: body, as: UTF8.self)
        return (try? Value(json: text)) ?? .string(text)
    }

    /// `Name: value` as a header line.
    static func headerField(_ text: String) throws -> HTTPHeaderField {
        guard let colon = text.firstIndex(of: ":"), colon > text.startIndex else {
            throw CommandFailure(
                message: "Expected a header as 'Name: value', got '\(text)'",
                hint: "Quote the header: --header 'Content-Type: text/plain'."
            )
        }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        return HTTPHeaderField(name, value)
    }

    /// `key=value` as a query parameter.
    static func queryItem(_ text: String) throws -> QueryItem {
        guard let equals = text.firstIndex(of: "="), equals > text.startIndex else {
            throw CommandFailure(
                message: "Expected a query parameter as 'key=value', got '\(text)'",
                hint: "Write each parameter as --query key=value, such as --query perpage=10."
            )
        }
        return QueryItem(String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// Field names whose values are secrets in requests and answers (a new token's `key`, a
    /// user's `password`); they join the host's known secrets, so output masks them.
    static let secretFields: Set<String> = ["password", "basicauthpassword", "key", "token"]

    /// Remembers the secrets a JSON body holds: values of ``secretFields`` and everything under
    /// `secureJsonData`.
    func rememberSecrets(in body: Data) {
        guard let value = try? Value(json: String(decoding: body, as: UTF8.self)) else { return }
        func walk(_ value: Value, secret: Bool) {
            switch value {
            case .string(let text) where secret && !text.isEmpty:
                remember(secret: text)
            case .record(let record):
                for (key, field) in record {
                    let lowered = key.lowercased()
                    walk(field, secret: secret || Self.secretFields.contains(lowered) || lowered == "securejsondata")
                }
            case .list(let items):
                for item in items { walk(item, secret: secret) }
            default:
                break
            }
        }
        walk(value, secret: false)
    }
}
