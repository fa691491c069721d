/// How a script or prompt line ended, and what to report.
public struct RunOutcome: Sendable {
    /// How the run ended.
    public enum Status: Hashable, Sendable {
        /// Every statement ran.
        case success
        /// A syntax or check error: nothing in that source ran. (In a file reached by
        /// `source`, the statements before the `source` line did run.)
        case invalid
        /// A command, an assertion or an expression failed; the script stopped there.
        case failed
        /// `exit CODE` stopped the script.
        case exited(Int32)
        /// The task was cancelled (Control-C).
        case interrupted
    }

    /// How the run ended.
    public var status: Status
    /// The problems to show, in order; empty for success, `exit` and interruption.
    public var diagnostics: [Diagnostic]
    /// The files the diagnostics point into, so the edge can show their lines.
    public var sources: [SourceFile]

    /// An outcome; `sources` should hold every file the diagnostics name.
    public init(status: Status, diagnostics: [Diagnostic] = [], sources: [SourceFile] = []) {
        self.status = status
        self.diagnostics = diagnostics
        self.sources = sources
    }

    /// The process exit status batch mode uses (see `ExitStatus`): 0 success, 65 syntax or
    /// check error (`EX_DATAERR`, nothing ran), the script's own `exit` code, 130 interrupted;
    /// a failure exits with its code's status (3 auth, 4 partial failure, 6 unsupported
    /// version, 66 unreadable input...), or 1.
    public var exitStatus: Int32 {
        switch status {
        case .success: ExitStatus.success.rawValue
        case .invalid: ExitStatus.invalidScript.rawValue
        case .failed: failureStatus.rawValue
        case let .exited(code): code
        case .interrupted: ExitStatus.cancelled.rawValue
        }
    }

    /// The status of the first diagnostic's code. Things ran before a failure, so a code that
    /// promises nothing ran (a check error in a file reached by `source`) reports 1 instead.
    private var failureStatus: ExitStatus {
        guard let status = diagnostics.first?.code.exitStatus,
            status != .invalidScript, status != .success
        else { return .failure }
        return status
    }

    /// The source a diagnostic points into.
    public func source(named name: String) -> SourceFile? {
        sources.last { $0.name == name }
    }
}
