import Foundation
public import GFSLanguage

/// What a `.gfs` test script expects, read from its comments (after jlox's test scripts).
///
/// Each directive is a comment, at the end of a line or on its own:
///
///     echo hi                         # expect: hi
///     # expect stderr: warning text
///     # expect error: 3:5: Unknown command 'dashbord'
///     # expect error: lib/helper.gfs:2:1: Undefined variable '$x'
///     # expect hint: Did you mean 'dashboard'?
///     # expect code: unknown-command
///     # expect exit: 1
///     # expect calls: org create apiorg
///     # expect no calls
///     # given org create: {"id": 7, "name": "apiorg"}
///     # given org create fails: Organization name taken
///     # given org create fails grafana.conflict: Organization name taken
///     # args: first second
///     # var: env=prod
///
/// `expect:` lines are the whole standard output, in order. `expect error:` lines are every
/// diagnostic, as `LINE:COL: MESSAGE` (prefixed with the path relative to the script for
/// another file). Exit status defaults to 0 when no error is expected. Calls are checked
/// only when some `expect calls` (or `expect no calls`) is present; hints, codes and stderr
/// only when some are given. A failing `given` may name its error code after `fails`.
public struct ScriptExpectations: Sendable {
    /// Every line of standard output, in order (`# expect:`).
    public var standardOutput: [String] = []
    /// Every line of standard error (`# expect stderr:`); checked only when given.
    public var standardError: [String] = []
    /// Every diagnostic as `LINE:COL: MESSAGE` (`# expect error:`).
    public var errors: [String] = []
    /// The diagnostics' hints, in order (`# expect hint:`); checked only when given.
    public var hints: [String] = []
    /// The diagnostics' error codes, in order (`# expect code:`); checked only when given.
    public var codes: [String] = []
    /// The exit status (`# expect exit:`).
    public var exitStatus: Int32?
    /// `nil` when the script does not check calls.
    public var calls: [String]?
    /// Scripted command results and failures, queued per command (`# given`).
    public var givens: [(command: String, result: Result<Value, CommandFailure>)] = []
    /// Positional script arguments (`# args:`).
    public var arguments: [String] = []
    /// `--var` parameters (`# var:`).
    public var variables: [(name: String, value: String)] = []
    /// Directives that could not be read, reported as test failures.
    public var problems: [String] = []

    /// No expectations: the script must print nothing and succeed.
    public init() {}

    /// Reads the directives of a script's text.
    public init(parsing text: String) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // The earliest directive marker, so a `#` inside a string before it is ignored.
            let markers = ["# expect", "# given ", "# args:", "# var:"].compactMap { line.range(of: $0) }
            guard let marker = markers.min(by: { $0.lowerBound < $1.lowerBound }) else { continue }
            let directive = line[line.index(marker.lowerBound, offsetBy: 2)...]
            read(String(directive), line: index + 1)
        }
    }

    private mutating func read(_ directive: String, line: Int) {
        func rest(after prefix: String) -> String? {
            guard directive.hasPrefix(prefix) else { return nil }
            var text = Substring(directive.dropFirst(prefix.count))
            if text.first == " " { text = text.dropFirst() }
            return String(text)
        }
        if let text = rest(after: "expect:") {
            standardOutput.append(text)
        } else if let text = rest(after: "expect stderr:") {
            standardError.append(text)
        } else if let text = rest(after: "expect error:") {
            errors.append(text)
        } else if let text = rest(after: "expect hint:") {
            hints.append(text)
        } else if let text = rest(after: "expect code:") {
            codes.append(text.trimmingSpaces)
        } else if let text = rest(after: "expect exit:") {
            if let code = Int32(text.trimmingSpaces) {
                exitStatus = code
            } else {
                problems.append("line \(line): bad exit status '\(text)'")
            }
        } else if let text = rest(after: "expect calls:") {
            calls = (calls ?? []) + [text.trimmingSpaces]
        } else if directive.hasPrefix("expect no calls") {
            calls = calls ?? []
        } else if let text = rest(after: "given ") {
            readGiven(text, line: line)
        } else if let text = rest(after: "args:") {
            arguments += text.split(separator: " ").map(String.init)
        } else if let text = rest(after: "var:") {
            guard let equals = text.firstIndex(of: "=") else {
                problems.append("line \(line): '# var:' needs NAME=VALUE")
                return
            }
            variables.append((String(text[..<equals]).trimmingSpaces, String(text[text.index(after: equals)...])))
        } else if directive.hasPrefix("expect") {
            problems.append("line \(line): unknown directive '# \(directive)'")
        }
    }

    private mutating func readGiven(_ text: String, line: Int) {
        guard let colon = text.range(of: ": ") ?? text.range(of: ":", options: .backwards) else {
            problems.append("line \(line): '# given' needs 'COMMAND: JSON' or 'COMMAND fails: MESSAGE'")
            return
        }
        let command = String(text[..<colon.lowerBound]).trimmingSpaces
        let payload = String(text[colon.upperBound...]).trimmingSpaces
        if let fails = command.range(of: " fails", options: .backwards),
            command[fails.upperBound...].isEmpty || command[fails.upperBound...].hasPrefix(" ")
        {
            let name = String(command[fails.upperBound...]).trimmingSpaces
            var code: ErrorCode?
            if !name.isEmpty {
                code = ErrorCode(name: name)
                if code == nil { problems.append("line \(line): unknown error code '\(name)'") }
            }
            let failure = CommandFailure(code: code, message: payload)
            givens.append((String(command[..<fails.lowerBound]), .failure(failure)))
            return
        }
        do {
            givens.append((command, .success(try Value(json: payload))))
        } catch {
            problems.append("line \(line): bad JSON in '# given': \(error)")
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
