/// The one way the language reaches the world.
///
/// The evaluator knows nothing of HTTP, files or terminals: it asks its host to run commands,
/// to show results and to read sourced scripts. The `gfs` executable's host talks to Grafana
/// through `GrafanaAPI`; tests use a recording host and run in microseconds.
public protocol CommandHost: AnyObject, Sendable {
    /// The commands this host runs. Scripts are checked against it before anything runs.
    var commandTable: CommandTable { get }

    /// Runs one command whose arguments have been evaluated and checked against its spec.
    /// Throws `CommandFailure` (or any error) when the command fails.
    func run(_ call: CommandCall) async throws -> Value

    /// Shows the result of a command or expression statement (a table, key/value lines or
    /// JSON, as the host's output mode says).
    func display(_ value: Value, of call: CommandCall?) async

    /// Writes text produced by the script itself (`echo`, `print`).
    func write(_ text: String, to stream: OutputStreamKind) async

    /// Reads a script named by `source`. `path` is already resolved against the including file.
    func readSource(at path: String) async throws -> String
}

public enum OutputStreamKind: Sendable {
    /// Data: `echo` output and results.
    case standardOutput
    /// Diagnostics and progress.
    case standardError
}

/// One command as the host receives it: path, evaluated positional values and options.
public struct CommandCall: Sendable {
    /// The command's path, such as `["org", "create"]`.
    public var path: [String]
    /// Positional values in order; a variadic argument's values are the tail.
    public var arguments: [Value]
    /// Options by name (without dashes). A flag is `.bool(true)`; a repeatable option is a list.
    public var options: [String: Value]
    /// Where the command stands in its script, for the host's own error reports.
    public var range: SourceRange
    public var sourceName: String

    public init(
        path: [String],
        arguments: [Value] = [],
        options: [String: Value] = [:],
        range: SourceRange,
        sourceName: String
    ) {
        self.path = path
        self.arguments = arguments
        self.options = options
        self.range = range
        self.sourceName = sourceName
    }

    public var name: String { path.joined(separator: " ") }
}

/// A command's failure as the host reports it. The evaluator attaches the command's source
/// range; `try` turns it into the record bound to `$error`.
public struct CommandFailure: Error, Sendable {
    /// The kind of failure, which `$error.code` shows and the exit status follows.
    public var code: ErrorCode
    public var message: String
    public var hint: String?
    /// Machine-readable details that `try` exposes on `$error`
    /// (for Grafana errors: `status`, `messageId`).
    public var details: Record

    /// A failure with `code`. Without one, a failure whose details list both `succeeded` and
    /// `failed` items (a push of several dashboards, some of which failed) is a partial
    /// failure, and any other is `command-failed`.
    public init(code: ErrorCode? = nil, message: String, hint: String? = nil, details: Record = Record()) {
        self.code = code ?? Self.inferredCode(details)
        self.message = message
        self.hint = hint
        self.details = details
    }

    static func inferredCode(_ details: Record) -> ErrorCode {
        if case let .list(succeeded)? = details["succeeded"], !succeeded.isEmpty,
            case let .list(failed)? = details["failed"], !failed.isEmpty
        {
            return .partialFailure
        }
        return .commandFailed
    }
}
