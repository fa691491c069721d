// MARK: Public interface

/// A process exit status of `gfs` in batch mode, with what it means.
///
/// The categories follow Grafana's own CLI, gcx (`cmd/gcx/fail/exitcodes.go`: general error,
/// usage, auth failure, partial failure, cancelled, version incompatible), numbered so that
/// the statuses gfs has always used keep their meaning: 0, 1, 2 (connection settings), 64
/// (usage, `EX_USAGE`), 65 (the script does not parse or check, `EX_DATAERR`) and 130
/// (interrupted, as a shell reports SIGINT). gcx's auth, partial-failure and
/// version statuses are free in gfs's range and keep gcx's numbers (3, 4, 6); unreadable input
/// and a failed write use the BSD `sysexits.h` numbers (66 `EX_NOINPUT`, 74 `EX_IOERR`).
/// A script's own `exit CODE` may use any number.
public struct ExitStatus: Hashable, Sendable, CustomStringConvertible {
    /// The number the process exits with.
    public let rawValue: Int32
    /// A short name for tables and JSON: `auth`.
    public let name: String
    /// What the status means, in one line.
    public let summary: String

    private init(_ rawValue: Int32, _ name: String, _ summary: String) {
        self.rawValue = rawValue
        self.name = name
        self.summary = summary
    }

    /// Everything ran.
    public static let success = ExitStatus(0, "success", "Everything ran.")
    /// A command, an assertion or an expression failed; the script stopped there.
    public static let failure = ExitStatus(1, "failure", "A command, assertion or expression failed.")
    /// The connection settings cannot work (bad URL, unreadable CA or secret file).
    public static let configuration = ExitStatus(
        2,
        "configuration",
        "The connection settings are wrong; nothing was sent."
    )
    /// Grafana refused the credentials (401) or the permission (403).
    public static let auth = ExitStatus(3, "auth", "Grafana refused the credentials or the permission (401, 403).")
    /// A command on several items failed for some of them (a push of several dashboards).
    public static let partialFailure = ExitStatus(
        4,
        "partial-failure",
        "A command on several items failed for some of them."
    )
    /// The server's Grafana version does not offer what the script asked for.
    public static let unsupportedVersion = ExitStatus(
        6,
        "unsupported-version",
        "The server's Grafana version does not offer this."
    )
    /// The command line itself is wrong (unknown flag, bad `--var`).
    public static let usage = ExitStatus(64, "usage", "The command line is wrong; nothing ran.")
    /// The script does not parse or check; nothing in it ran.
    public static let invalidScript = ExitStatus(
        65,
        "invalid-script",
        "The script does not parse or check; nothing ran."
    )
    /// The script or standard input cannot be read.
    public static let noInput = ExitStatus(66, "no-input", "The script or standard input cannot be read.")
    /// Writing the results failed (a full disk, a closed pipe).
    public static let ioError = ExitStatus(74, "io-error", "Writing the output failed.")
    /// Interrupted with Control-C.
    public static let cancelled = ExitStatus(130, "cancelled", "Interrupted (Control-C).")

    /// Every status gfs itself chooses, in numeric order.
    public static let all: [ExitStatus] = [
        .success, .failure, .configuration, .auth, .partialFailure, .unsupportedVersion, .usage,
        .invalidScript, .noInput, .ioError, .cancelled,
    ]

    /// `3 (auth)`.
    public var description: String { "\(rawValue) (\(name))" }
}
