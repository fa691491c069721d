/// A problem found in a script, with the place it was found and how to fix it.
///
/// Each pipeline stage reports its errors as diagnostics; the edge (the CLI, the shell)
/// renders them with `file:line:col`, the source line and a caret. The message is short and
/// capitalised ("Unknown command 'dashbord'"); the hint is a full sentence
/// ("Did you mean 'dashboard'?"). The code (`unknown-command`) names the kind of problem for
/// programs: tests, `$error.code`, `--output json` and the exit status.
public struct Diagnostic: Error, Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable {
        case error
        case warning
        case note
    }

    public var severity: Severity
    /// The kind of problem, from the one registry of codes.
    public var code: ErrorCode
    public var message: String
    public var hint: String?
    public var range: SourceRange
    /// The name of the source the range points into.
    public var sourceName: String
    /// Machine-readable details of a failed command (for Grafana errors `status` and
    /// `messageId`), as `$error` shows them; empty for problems in the script itself.
    public var details: Record

    public init(
        _ severity: Severity = .error,
        code: ErrorCode,
        message: String,
        hint: String? = nil,
        range: SourceRange,
        sourceName: String,
        details: Record = Record()
    ) {
        self.severity = severity
        self.code = code
        self.details = details
        self.message = message
        self.hint = hint
        self.range = range
        self.sourceName = sourceName
    }
}
