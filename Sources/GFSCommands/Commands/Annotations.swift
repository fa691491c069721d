import Foundation
import GFSLanguage
import GrafanaAPI

// annotation add|list|update|delete.
extension GFSCommandCatalog {
    static let annotations: [CommandDefinition] = [
        CommandDefinition(
            CommandSpec(
                path: ["annotation", "add"],
                summary: "Add an annotation to the org, a dashboard or one of its panels.",
                arguments: [ArgumentSpec("text", summary: "The annotation's text.")],
                options: [
                    OptionSpec("dashboard", valueName: "UID", completion: .dashboardUID, summary: "On this dashboard."),
                    OptionSpec("panel", valueName: "ID", summary: "On this panel of the dashboard."),
                    OptionSpec("tag", valueName: "TAG", isRepeatable: true, summary: "A tag (repeatable)."),
                    OptionSpec("time", valueName: "TIME", summary: "When: RFC 3339, epoch ms or now-1h (default now)."),
                    OptionSpec("time-end", valueName: "TIME", summary: "The end of a region, as --time."),
                    OptionSpec(
                        "if-missing",
                        summary: "Return an annotation with the same text, tags and place instead of adding one."
                    ),
                ],
                binds: "annotation",
                example: "annotation add \"Deployed v1.2\" --dashboard $dashboard.uid --tag deploy"
            )
        ) { try await $0.addAnnotation($1) },
        CommandDefinition(
            CommandSpec(
                path: ["annotation", "list"],
                summary: "List annotations, newest first, with Grafana's filters.",
                options: [
                    OptionSpec("dashboard", valueName: "UID", completion: .dashboardUID, summary: "On this dashboard."),
                    OptionSpec("panel", valueName: "ID", summary: "On this panel."),
                    OptionSpec("tag", valueName: "TAG", isRepeatable: true, summary: "Having this tag (repeatable)."),
                    OptionSpec("match-any", summary: "Any of the tags suffices, not all."),
                    OptionSpec("from", valueName: "TIME", summary: "Overlapping the range from TIME (needs --to)."),
                    OptionSpec("to", valueName: "TIME", summary: "Overlapping the range up to TIME (needs --from)."),
                    OptionSpec("type", valueName: "TYPE", summary: "annotation or alert."),
                    OptionSpec("limit", valueName: "N", summary: "At most N (Grafana's default 100)."),
                ],
                example: "annotation list --dashboard $dashboard.uid --tag deploy --from now-7d --to now"
            ),
            display: ResultDisplay(columns: ["id", "time", "dashboardUID", "panelId", "tags", "text"])
        ) { try await $0.listAnnotations($1) },
        CommandDefinition(
            CommandSpec(
                path: ["annotation", "update"],
                summary: "Change an annotation's text, tags or times (only those given).",
                arguments: [ArgumentSpec("id", summary: "The annotation's id.")],
                options: [
                    OptionSpec("text", valueName: "TEXT", summary: "The new text."),
                    OptionSpec("tag", valueName: "TAG", isRepeatable: true, summary: "The new tags (repeatable)."),
                    OptionSpec("time", valueName: "TIME", summary: "The new time."),
                    OptionSpec("time-end", valueName: "TIME", summary: "The new end time."),
                ],
                example: "annotation update 12 --text \"Deployed v1.2.1\""
            )
        ) { try await $0.updateAnnotation($1) },
        CommandDefinition(
            CommandSpec(
                path: ["annotation", "delete"],
                summary: "Delete an annotation.",
                arguments: [ArgumentSpec("id", summary: "The annotation's id.")],
                example: "annotation delete 12"
            )
        ) { try await $0.deleteAnnotation($1) },
    ]
}

/// The clock relative times (`now-1h`) are read against; tests bind a fixed one with
/// `CommandClock.$now.withValue`.
enum CommandClock {
    /// The current time.
    @TaskLocal static var now: @Sendable () -> Date = { Date() }
}

/// Annotation times as people write them, turned into Grafana's epoch milliseconds.
enum AnnotationTime {
    /// Parses `2026-11-30T18:00:00Z` (RFC 3339), `1764525600000` (epoch ms), `now`, or `now`
    /// with offsets in `s`, `m`, `h`, `d` or `w` (`now-1h`, `now-1d+2h`); nil when it is none.
    static func parse(_ text: String, now: Date) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isASCIIDigit) { return Int64(trimmed) }
        if trimmed.hasPrefix("now") {
            var milliseconds = (now.timeIntervalSince1970 * 1000).rounded()
            var rest = Substring(trimmed.dropFirst(3))
            while let sign = rest.first {
                guard sign == "-" || sign == "+" else { return nil }
                rest = rest.dropFirst()
                let digits = rest.prefix(while: \.isASCIIDigit)
                guard let amount = Double(digits), let unit = rest.dropFirst(digits.count).first else { return nil }
                let seconds: Double
                switch unit {
                case "s": seconds = 1
                case "m": seconds = 60
                case "h": seconds = 3600
                case "d": seconds = 86400
                case "w": seconds = 604800
                default: return nil
                }
                milliseconds += (sign == "-" ? -1 : 1) * amount * seconds * 1000
                rest = rest.dropFirst(digits.count + 1)
            }
            return Int64(milliseconds)
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: trimmed) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: trimmed) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        return nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension GrafanaShellHost {
    /// Reads a time option, failing with the forms it takes.
    func annotationTime(_ option: String, _ call: CommandArguments) throws -> Int64? {
        guard let text = try call.option(option) else { return nil }
        guard let time = AnnotationTime.parse(text, now: CommandClock.now()) else {
            throw CommandFailure(
                code: .invalidOptionValue,
                message: "Invalid time '\(text)' for --\(option)",
                hint: "Write RFC 3339 (2026-11-30T18:00:00Z), epoch milliseconds, or now with offsets (now-1h)."
            )
        }
        return time
    }

    func integerOption(_ option: String, _ call: CommandArguments) throws -> Int? {
        guard let text = try call.option(option) else { return nil }
        guard let number = Int(text) else {
            throw CommandFailure(
                code: .invalidOptionValue,
                message: "--\(option) must be a number, not '\(text)'",
                hint: "Give a whole number."
            )
        }
        return number
    }

    func annotationID(_ call: CommandArguments) throws -> Int {
        let text = try call.required("id")
        guard let id = Int(text) else {
            throw CommandFailure(message: "Invalid annotation id '\(text)'", hint: "'annotation list' shows the ids.")
        }
        return id
    }

    /// `annotation add TEXT [--dashboard UID [--panel ID]] [--tag T]... [--time T [--time-end T]]`:
    /// binds `$annotation` to `{id, text, ...}`.
    func addAnnotation(_ call: CommandArguments) async throws -> Value {
        let text = try call.required("text")
        let dashboard = try call.option("dashboard")
        let panel = try integerOption("panel", call)
        if panel != nil && dashboard == nil {
            throw CommandFailure(
                code: .usage,
                message: "--panel needs --dashboard",
                hint: "A panel id is only unique within its dashboard: add --dashboard UID."
            )
        }
        let tags = try call.options("tag")
        let time = try annotationTime("time", call)
        let timeEnd = try annotationTime("time-end", call)
        if try call.flag("if-missing") {
            var query = [QueryItem("limit", "1000")]
            if let dashboard { query.append(QueryItem("dashboardUID", dashboard)) }
            if let panel { query.append(QueryItem("panelId", String(panel))) }
            for tag in tags { query.append(QueryItem("tags", tag)) }
            let wanted = Set(tags)
            let found = try await client.annotations(query: query).first { item in
                Self.sameAnnotation(
                    item,
                    text: text,
                    tags: wanted,
                    onDashboard: dashboard != nil,
                    onPanel: panel != nil
                )
            }
            if let found, let id = found["id"] {
                return .record(Record([("id", id), ("text", .string(text)), ("existing", .bool(true))]))
            }
        }
        var body = Record([("text", .string(text)), ("tags", .list(tags.map(Value.string)))])
        if let dashboard { body["dashboardUID"] = .string(dashboard) }
        if let panel { body["panelId"] = .int(panel) }
        if let time { body["time"] = .int(Int(time)) }
        if let timeEnd { body["timeEnd"] = .int(Int(timeEnd)) }
        let planned = body
        return result(of: try await client.createAnnotation(body), planned: planned) { answer in
            var record = Record([("id", answer["id"] ?? .null)])
            for (key, value) in body where key != "tags" || !tags.isEmpty { record[key] = value }
            return .record(record)
        }
    }

    /// Whether `item` is the annotation `annotation add --if-missing` would add: the same text
    /// and tags, and on the org (no dashboard) or a panel exactly when asked.
    static func sameAnnotation(_ item: Value, text: String, tags: Set<String>, onDashboard: Bool, onPanel: Bool)
        -> Bool
    {
        guard item["text"]?.stringValue == text else { return false }
        var itemTags: Set<String> = []
        if case .list(let values)? = item["tags"] { itemTags = Set(values.compactMap(\.stringValue)) }
        guard itemTags == tags else { return false }
        let dashboardID = item["dashboardId"]?.intValue ?? 0
        let panelID = item["panelId"]?.intValue ?? 0
        return (onDashboard || dashboardID == 0) && (onPanel || panelID == 0)
    }

    /// `annotation list [filters]`: Grafana's own filters as query parameters.
    func listAnnotations(_ call: CommandArguments) async throws -> Value {
        var query: [QueryItem] = []
        if let dashboard = try call.option("dashboard") { query.append(QueryItem("dashboardUID", dashboard)) }
        if let panel = try integerOption("panel", call) { query.append(QueryItem("panelId", String(panel))) }
        for tag in try call.options("tag") { query.append(QueryItem("tags", tag)) }
        if try call.flag("match-any") { query.append(QueryItem("matchAny", "true")) }
        if let from = try annotationTime("from", call) { query.append(QueryItem("from", String(from))) }
        if let to = try annotationTime("to", call) { query.append(QueryItem("to", String(to))) }
        if let type = try call.option("type") {
            guard type == "annotation" || type == "alert" else {
                throw CommandFailure(
                    code: .invalidOptionValue,
                    message: "Unknown --type '\(type)'",
                    hint: "Use annotation or alert."
                )
            }
            query.append(QueryItem("type", type))
        }
        if let limit = try integerOption("limit", call) { query.append(QueryItem("limit", String(limit))) }
        return .list(try await client.annotations(query: query))
    }

    /// `annotation update ID [--text T] [--tag T]... [--time T] [--time-end T]`: a PATCH of the
    /// fields given.
    func updateAnnotation(_ call: CommandArguments) async throws -> Value {
        let id = try annotationID(call)
        var body = Record()
        if let text = try call.option("text") { body["text"] = .string(text) }
        let tags = try call.options("tag")
        if !tags.isEmpty { body["tags"] = .list(tags.map(Value.string)) }
        if let time = try annotationTime("time", call) { body["time"] = .int(Int(time)) }
        if let timeEnd = try annotationTime("time-end", call) { body["timeEnd"] = .int(Int(timeEnd)) }
        guard !body.isEmpty else {
            throw CommandFailure(
                code: .usage,
                message: "Nothing to change",
                hint: "Give --text, --tag, --time or --time-end."
            )
        }
        let outcome = try await client.patchAnnotation(id: id, body)
        var record = Record([("id", .int(id))])
        for (key, value) in body { record[key] = value }
        return result(of: outcome, planned: record) { _ in .record(record) }
    }

    /// `annotation delete ID`.
    func deleteAnnotation(_ call: CommandArguments) async throws -> Value {
        let id = try annotationID(call)
        let outcome = try await client.deleteAnnotation(id: id)
        let record = Record([("id", .int(id)), ("deleted", .bool(true))])
        return result(of: outcome, planned: record) { _ in .record(record) }
    }
}
