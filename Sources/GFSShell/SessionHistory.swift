import Foundation

/// The commands typed in this session, for `history` and `history save FILE.gfs` at the
/// prompt: kept as the history file keeps them (secrets replaced by `***`, a line starting
/// with a space left out), whether or not they failed.
struct SessionHistory {
    /// One input as kept.
    struct Entry: Equatable {
        var text: String
        var failed: Bool
    }

    /// A prompt line that is one of the `history` built-ins.
    enum Builtin: Equatable {
        /// `history`: list this session's commands, numbered.
        case list
        /// `history save FILE`: write them as a script.
        case save(path: String)
        /// `history` with words it does not take.
        case usage

        /// The built-in `line` asks for, or `nil` when it is not one (it then runs as gfs).
        init?(_ line: String) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard words.first == "history" else { return nil }
            switch words.count {
            case 1: self = .list
            case 3 where words[1] == "save": self = .save(path: Self.unquoted(words[2]))
            default: self = .usage
            }
        }

        /// A path as typed: surrounding quotes dropped, a leading `~/` expanded.
        static func unquoted(_ word: String) -> String {
            var path = word
            if path.count >= 2, let first = path.first, first == "'" || first == "\"", path.last == first {
                path = String(path.dropFirst().dropLast())
            }
            if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
                path = home + path.dropFirst()
            }
            return path
        }
    }

    let policy: HistoryPolicy
    private(set) var entries: [Entry] = []

    init(policy: HistoryPolicy) {
        self.policy = policy
    }

    /// Keeps `input` as the history policy decides, given the secrets the session knows.
    mutating func add(_ input: String, secrets: Set<String>, failed: Bool) {
        guard let text = policy.decide(input, secrets: secrets).entry else { return }
        entries.append(Entry(text: text, failed: failed))
    }

    /// `history`: each command numbered from 1, a failed one marked, continuation lines indented.
    var listing: String {
        var lines: [String] = []
        for (index, entry) in entries.enumerated() {
            let number = String(index + 1).leftPadded(to: 5)
            let body = entry.text.split(separator: "\n", omittingEmptySubsequences: false)
            lines.append("\(number)\(entry.failed ? " !" : "  ") \(body[0])")
            lines += body.dropFirst().map { "        \($0)" }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// `history save`: the commands as a script. A command that failed is kept as a comment,
    /// and one holding a redacted secret too, so the script runs as far as the session did.
    var script: String {
        var lines = ["# Saved from a gfs session by 'history save'; failed commands are left as comments."]
        for entry in entries {
            let holdsSecret = entry.text.contains(HistoryPolicy.redactionMark)
            if entry.failed || holdsSecret {
                lines.append(entry.failed ? "# failed:" : "# holds a redacted secret; fill it in to run it:")
                lines += entry.text.split(separator: "\n", omittingEmptySubsequences: false).map { "#   \($0)" }
            } else {
                lines.append(entry.text)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `script` to `path` (mode 0644, replacing it).
    func save(to path: String) throws -> Int {
        try Data(script.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return entries.count
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
