import Foundation
public import GFSLanguage

/// The command host of the `gfs` executable: runs commands against Grafana, shows results
/// on the terminal and reads sourced scripts from disk.
///
/// The Grafana calls arrive with issue 4. Until then every command fails honestly with a
/// `CommandFailure` saying it is not available yet; nothing pretends to succeed.
public final class GrafanaShellHost: CommandHost, @unchecked Sendable {
    /// How results are shown.
    public enum OutputFormat: String, Sendable, CaseIterable {
        /// Key/value blocks for records, aligned tables for lists of records.
        case text
        /// One compact JSON document per line, for `jq` and other programs.
        case json
    }

    public let commandTable: CommandTable
    public let outputFormat: OutputFormat
    private let console: Console

    /// - Parameters:
    ///   - table: the commands to offer (all of gfs by default).
    ///   - outputFormat: how `display` shows results.
    ///   - console: where text goes (the process's standard output and error by default).
    public init(
        table: CommandTable = GFSCommandCatalog.table,
        outputFormat: OutputFormat = .text,
        console: Console = .standard
    ) {
        self.commandTable = table
        self.outputFormat = outputFormat
        self.console = console
    }

    public func run(_ call: CommandCall) async throws -> Value {
        throw CommandFailure(
            message: "'\(call.name)' is not available yet",
            hint: "This build of gfs has no Grafana client wired in; the commands arrive with issue 4.",
            details: Record([("reason", "not-implemented")])
        )
    }

    public func display(_ value: Value, of call: CommandCall?) async {
        let text: String = switch outputFormat {
        case .json: value.compactJSON + "\n"
        case .text: ValueTextFormatter.format(value)
        }
        console.write(text, to: .standardOutput)
    }

    public func write(_ text: String, to stream: OutputStreamKind) async {
        console.write(text, to: stream)
    }

    public func readSource(at path: String) async throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandFailure(message: "No such file '\(path)'", hint: "Paths in 'source' are relative to the including script.")
        }
    }
}

/// Where the executable's text goes: standard output for data, standard error for
/// diagnostics. Writes go straight to the file descriptors, unbuffered, so output and
/// diagnostics interleave in the order they happened.
public struct Console: Sendable {
    private let writeText: @Sendable (String, OutputStreamKind) -> Void

    public init(write: @escaping @Sendable (String, OutputStreamKind) -> Void) {
        self.writeText = write
    }

    public func write(_ text: String, to stream: OutputStreamKind) {
        writeText(text, stream)
    }

    /// The process's standard output and standard error.
    public static let standard = Console { text, stream in
        let handle: FileHandle = stream == .standardOutput ? .standardOutput : .standardError
        // A closed pipe (`gfs x.gfs | head -1`) must not crash the process with an exception.
        try? handle.write(contentsOf: Data(text.utf8))
    }
}
