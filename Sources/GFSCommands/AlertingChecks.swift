import Foundation
import GFSLanguage
import Yams

/// What Grafana refuses in contact points and templates, checked in the files before anything
/// is sent, so the mistake is named at its `file:line:col` rather than by Grafana's answer
/// (which from 11 says only "Template is in invalid format" for a template).
enum AlertingChecks {
    /// One step of a path into a provisioning file: a mapping key or a list index.
    enum Step {
        case key(String)
        case index(Int)
    }

    /// The settings an integration type cannot do without, with the words of Grafana's refusal
    /// (`github.com/grafana/alerting/receivers/*/config.go` `NewConfig`).
    static func missingSetting(type: String, settings: Record) -> (field: String, grafana: String)? {
        func text(_ key: String) -> String {
            if case .string(let value)? = settings[key] { return value }
            return ""
        }
        switch type {
        case "email":
            return text("addresses").isEmpty ? ("addresses", "could not find addresses in settings") : nil
        case "slack":
            // Without `url` Slack's chat API is used, which needs a channel and a token.
            guard text("url").isEmpty, text("endpointUrl").isEmpty else { return nil }
            if text("recipient").trimmingCharacters(in: .whitespaces).isEmpty {
                return ("recipient", "recipient must be specified when using the Slack chat API")
            }
            return text("token").isEmpty ? ("token", "token must be specified when using the Slack chat API") : nil
        case "webhook":
            return text("url").isEmpty ? ("url", "required field 'url' is not specified") : nil
        case "pagerduty":
            return text("integrationKey").isEmpty
                ? ("integrationKey", "could not find integration key property in settings") : nil
        case "teams":
            return text("url").isEmpty ? ("url", "could not find url property in settings") : nil
        case "telegram":
            if text("bottoken").isEmpty { return ("bottoken", "could not find Bot Token in settings") }
            return settings["chatid"] == nil || settings["chatid"] == .null
                ? ("chatid", "could not find Chat Id in settings") : nil
        case "opsgenie":
            return text("apiKey").isEmpty ? ("apiKey", "could not find api key property in settings") : nil
        default:
            return nil
        }
    }

    /// Checks one contact-point integration of a file.
    static func checkIntegration(_ integration: Record, name: String, file: String, at position: TextPosition?) throws {
        let type = integration["type"]?.stringValue ?? ""
        let place = position.map { "\(file):\($0.line):\($0.column)" } ?? file
        guard !type.isEmpty else {
            throw CommandFailure(
                message: "\(place): Contact point '\(name)' has an integration without a type",
                hint: "Give it a type such as email, slack or webhook; nothing was sent."
            )
        }
        let settings = integration["settings"]?.recordValue ?? Record()
        if let (field, grafana) = missingSetting(type: type, settings: settings) {
            throw CommandFailure(
                message: "\(place): Contact point '\(name)' (\(type)) needs settings.\(field)",
                hint: "Grafana refuses it with \"\(grafana)\". Nothing was sent."
            )
        }
    }

    /// Checks a template's text as Go's `text/template` parses it: actions closed, quoted
    /// strings and comments ended, every `if`/`range`/`with`/`define`/`block` closed by an
    /// `end`, and no `else` or `end` without one. Returns the 1-based line in `text` and the
    /// problem, or nil when it parses.
    static func templateProblem(_ text: String) -> (line: Int, problem: String)? {
        var line = 1
        var blocks: [(keyword: String, line: Int)] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            line += rest[rest.startIndex..<open.lowerBound].filter { $0 == "\n" }.count
            let actionLine = line
            var body = rest[open.upperBound...]
            if body.hasPrefix("- ") { body = body.dropFirst() }
            let trimmed = body.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("/*") {
                guard let end = trimmed.range(of: "*/") else { return (actionLine, "unclosed comment") }
                line += trimmed[trimmed.startIndex..<end.upperBound].filter { $0 == "\n" }.count
                let after = trimmed[end.upperBound...].drop { $0 == " " || $0 == "-" }
                guard after.hasPrefix("}}") else { return (line, "comment ends before closing delimiter") }
                rest = after.dropFirst(2)
                continue
            }
            // The action runs to the first `}}` outside a quoted string.
            var words: [String] = []
            var word = ""
            var index = trimmed.startIndex
            var closed = false
            while index < trimmed.endIndex {
                let character = trimmed[index]
                if character == "}", trimmed[index...].hasPrefix("}}") {
                    closed = true
                    index = trimmed.index(index, offsetBy: 2)
                    break
                }
                if character == "\"" || character == "`" || character == "'" {
                    var end = trimmed.index(after: index)
                    while end < trimmed.endIndex, trimmed[end] != character {
                        if character != "`" {
                            if trimmed[end] == "\n" { break }
                            if trimmed[end] == "\\" { end = trimmed.index(after: end) }
                        }
                        if end < trimmed.endIndex { end = trimmed.index(after: end) }
                    }
                    guard end < trimmed.endIndex, trimmed[end] == character else {
                        if character == "'" { return (line, "unterminated character constant") }
                        return (
                            line, character == "`" ? "unterminated raw quoted string" : "unterminated quoted string"
                        )
                    }
                    line += trimmed[index...end].filter { $0 == "\n" }.count
                    word += trimmed[index...end]
                    index = trimmed.index(after: end)
                    continue
                }
                if character.isWhitespace || character == "(" || character == ")" {
                    if character == "\n" { line += 1 }
                    if !word.isEmpty { words.append(word) }
                    word = ""
                } else {
                    word.append(character)
                }
                index = trimmed.index(after: index)
            }
            guard closed else { return (line, "unclosed action") }
            if !word.isEmpty { words.append(word) }
            if words.last == "-" { words.removeLast() }
            switch words.first {
            case nil:
                return (actionLine, "empty action")
            case "if", "range", "with", "define", "block":
                blocks.append((words[0], actionLine))
            case "else":
                guard let last = blocks.last, ["if", "range", "with"].contains(last.keyword) else {
                    return (actionLine, "{{else}} outside an if, range or with")
                }
            case "end":
                guard !blocks.isEmpty else {
                    return (actionLine, "{{end}} without an if, range, with, define or block")
                }
                blocks.removeLast()
            default:
                break
            }
            rest = trimmed[index...]
        }
        if let unclosed = blocks.last {
            return (unclosed.line, "{{\(unclosed.keyword)}} is never closed by {{end}}")
        }
        return nil
    }

    /// Checks one template of a file; `position` is where its text starts in the file.
    static func checkTemplate(_ text: String, name: String, file: String, at position: TextPosition?) throws {
        guard let (line, problem) = templateProblem(text) else { return }
        let place = position.map { "\(file):\($0.line(of: line)):\($0.column)" } ?? file
        throw CommandFailure(
            message: "\(place): Template '\(name)' does not parse: \(problem) (line \(line) of the template)",
            hint:
                "Grafana parses templates with Go's text/template and refuses one that does not parse. Nothing was sent."
        )
    }

    /// Where a value's text starts in a file, and how its lines map onto the file's.
    struct TextPosition {
        var line: Int
        var column: Int
        /// A double-quoted scalar writes its line breaks as `\n`, so every line of the text
        /// is on the scalar's first line of the file.
        var escapedLines: Bool

        func line(of textLine: Int) -> Int { escapedLines ? line : line + textLine - 1 }
    }

    /// Where a node of a provisioning file (YAML, or JSON read as YAML) starts, with 1-based
    /// line and column; a block scalar's (`|`, `>`) text starts on the next line.
    static func position(in text: String, of path: [Step]) -> TextPosition? {
        guard var node = try? Yams.compose(yaml: text) else { return nil }
        for step in path {
            switch (step, node) {
            case (.key(let key), .mapping(let mapping)):
                guard let next = mapping.first(where: { $0.key.string == key })?.value else { return nil }
                node = next
            case (.index(let index), .sequence(let sequence)):
                guard index < sequence.count else { return nil }
                node = sequence[index]
            default:
                return nil
            }
        }
        guard let mark = node.mark else { return nil }
        guard case .scalar(let scalar) = node else {
            return TextPosition(line: mark.line, column: mark.column, escapedLines: false)
        }
        switch scalar.style {
        case .literal, .folded:
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let next = mark.line < lines.count ? lines[mark.line] : ""
            let indent = next.prefix { $0 == " " }.count
            return TextPosition(line: mark.line + 1, column: indent + 1, escapedLines: false)
        case .doubleQuoted:
            return TextPosition(line: mark.line, column: mark.column, escapedLines: true)
        default:
            return TextPosition(line: mark.line, column: mark.column, escapedLines: false)
        }
    }
}
