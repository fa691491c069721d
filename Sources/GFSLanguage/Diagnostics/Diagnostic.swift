/// A problem found in a script, with the place it was found and how to fix it.
///
/// Each pipeline stage reports its errors as diagnostics; the edge (the CLI, the shell)
/// renders them with `file:line:col`, the source line and a caret. The message is short and
/// capitalised ("Unknown command 'dashbord'"); the hint is a full sentence
/// ("Did you mean 'dashboard'?").
public struct Diagnostic: Error, Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable {
        case error
        case warning
        case note
    }

    public var severity: Severity
    public var message: String
    public var hint: String?
    public var range: SourceRange
    /// The name of the source the range points into.
    public var sourceName: String

    public init(
        _ severity: Severity = .error,
        message: String,
        hint: String? = nil,
        range: SourceRange,
        sourceName: String
    ) {
        self.severity = severity
        self.message = message
        self.hint = hint
        self.range = range
        self.sourceName = sourceName
    }
}
