// MARK: Public interface

/// The text of the language's `help` builtin, made from the host's command table.
///
/// `help` lists every command with its summary, grouped by first word; `help org` lists one
/// group; `help org create` shows a command's usage, arguments, options, what it binds and
/// an example. The checker has already rejected unknown topics with a suggestion.
public struct HelpFormatter: Sendable {
    /// The commands to describe.
    public var table: CommandTable

    /// A formatter for `table`.
    public init(table: CommandTable) {
        self.table = table
    }

    /// The help text for a topic path (`[]` for the overview), ending in a newline.
    /// `["errors"]` lists the error codes, unless the table has an `errors` command.
    public func help(for topic: [String]) -> String {
        if let spec = table.command(topic) {
            return commandHelp(spec)
        }
        if topic == [Self.errorsTopic], !table.nextWords(after: []).contains(Self.errorsTopic) {
            return Self.errorCodes()
        }
        return listing(under: topic)
    }

    /// The topic of `help errors`.
    public static let errorsTopic = "errors"

    /// Every error code with the exit status it leads to and what it means, then the exit
    /// statuses: what `help errors` prints. It needs no command table.
    public static func errorCodes() -> String {
        let codes = ErrorCode.all
        let width = codes.map(\.name.count).max() ?? 0
        var lines = [
            "Error codes (in $error.code after 'try', and in --output json failures):",
            "",
            "  " + padded("CODE", to: width) + "  EXIT  MEANING",
        ]
        for code in codes {
            let exit = padded(String(code.exitStatus.rawValue), to: 4)
            lines.append("  " + padded(code.name, to: width) + "  " + exit + "  " + code.summary)
        }
        lines += ["", "Exit statuses:"]
        let statusWidth = ExitStatus.all.map { String($0.rawValue).count }.max() ?? 0
        for status in ExitStatus.all {
            lines.append("  " + padded(String(status.rawValue), to: statusWidth) + "  " + status.summary)
        }
        lines += ["", "A script's own 'exit CODE' exits with CODE."]
        return lines.map { trimmingTrailingSpaces($0) }.joined(separator: "\n") + "\n"
    }

    /// Every command (or those under `prefix`), with summaries in aligned columns.
    public func listing(under prefix: [String] = []) -> String {
        let specs = table.commands.filter { $0.path.starts(with: prefix) }
        var lines: [String] = []
        if prefix.isEmpty {
            lines.append("Commands:")
        } else {
            let name = prefix.joined(separator: " ")
            lines.append(table.groupSummaries[name].map { "\(name): \($0)" } ?? "\(name):")
        }
        let width = specs.map(\.name.count).max() ?? 0
        var previous: CommandSpec?
        for spec in specs {
            // A blank line before each group of related commands (`org ...`, `key ...`); single
            // words such as `connect` and `context` stand together, and `use org` stays with `use`.
            if prefix.isEmpty, let previous, previous.path[0] != spec.path[0],
                previous.path.count > 1 || spec.path.count > 1
            {
                lines.append("")
            }
            lines.append("  " + Self.padded(spec.name, to: width) + "  " + spec.summary)
            previous = spec
        }
        lines.append("")
        if prefix.isEmpty {
            lines.append("Language: let, if/else, for, try, assert, echo, print, source, exit.")
            lines.append("Type 'help errors' for the error codes and exit statuses.")
        }
        lines.append("Type 'help COMMAND' for a command's usage, options and an example.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Usage, summary, arguments, options, implicit variable, discussion and example.
    public func commandHelp(_ spec: CommandSpec) -> String {
        var lines = ["Usage: \(spec.usage)", "", spec.summary]
        let argumentRows = spec.arguments.map { ($0.usage, $0.summary) }
        let optionRows = spec.options.map { option in
            let short = option.shortName.map { "-\($0), " } ?? ""
            var summary = option.summary
            if option.isRepeatable { summary += summary.isEmpty ? "May be repeated." : " May be repeated." }
            return (short + option.usage, summary)
        }
        let width = (argumentRows + optionRows).map(\.0.count).max() ?? 0
        if !argumentRows.isEmpty {
            lines += ["", "Arguments:"]
            lines += argumentRows.map { "  " + Self.padded($0.0, to: width) + "  " + $0.1 }
        }
        if !optionRows.isEmpty {
            lines += ["", "Options:"]
            lines += optionRows.map { "  " + Self.padded($0.0, to: width) + "  " + $0.1 }
        }
        if let binds = spec.binds {
            lines += ["", "Binds $\(binds) to the result."]
        }
        if let discussion = spec.discussion {
            lines += ["", discussion]
        }
        if let example = spec.example {
            lines += ["", "Example:", "  " + example]
        }
        return lines.map { Self.trimmingTrailingSpaces($0) }.joined(separator: "\n") + "\n"
    }

    // MARK: Implementation

    static func padded(_ text: String, to width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = Substring(line)
        while line.last == " " { line = line.dropLast() }
        return String(line)
    }
}
