import Foundation
public import GFSLanguage

/// A command host for tests: runs nothing, records everything.
///
/// It records each call in order, the text written to each stream and every displayed
/// value, and answers each command with a scripted result or failure (queued per command
/// path), or else with a predictable default record `{"id": N, "name": FIRST-ARGUMENT}`
/// where N counts the calls so far. Displayed values are also written to its standard
/// output, one `description` per line, so a script's expected output covers them.
public final class RecordingHost: CommandHost, @unchecked Sendable {
    /// The table given at creation.
    public let commandTable: CommandTable

    // Guarded by `lock`: the interpreter calls from its actor, tests read from theirs.
    private let lock = NSLock()
    private var recordedCalls: [CommandCall] = []
    private var recordedDisplays: [Value] = []
    private var streams: [OutputStreamKind: String] = [:]
    private var outputPieces: [OutputPiece] = []
    private var scripted: [String: [Result<Value, CommandFailure>]] = [:]
    private var sourceFiles: [String: String]

    /// - Parameters:
    ///   - table: the commands to accept (a small table made for the language tests by default).
    ///   - files: texts `source` reads by path; other paths are read from disk.
    public init(table: CommandTable = LanguageTestCommands.table, files: [String: String] = [:]) {
        self.commandTable = table
        self.sourceFiles = files
    }

    // MARK: Scripting results

    /// The next call of `command` (`"org create"`) returns `value`.
    public func willReturn(_ value: Value, for command: String) {
        lock.withLock { scripted[command, default: []].append(.success(value)) }
    }

    /// The next call of `command` fails with `failure`.
    public func willFail(_ failure: CommandFailure, for command: String) {
        lock.withLock { scripted[command, default: []].append(.failure(failure)) }
    }

    /// Makes `text` readable by `source` at `path`.
    public func addFile(_ path: String, text: String) {
        lock.withLock { sourceFiles[path] = text }
    }

    // MARK: What happened

    /// Every call, in order.
    public var calls: [CommandCall] { lock.withLock { recordedCalls } }

    /// Every call as one line: `dashboard push a.json --folder ops --overwrite` (options
    /// sorted by name).
    public var callLines: [String] { calls.map(Self.line(for:)) }

    /// Every value passed to `display`, in order.
    public var displayed: [Value] { lock.withLock { recordedDisplays } }

    /// Everything written to standard output (including displayed values).
    public var standardOutput: String { lock.withLock { streams[.standardOutput] ?? "" } }

    /// One piece of standard output: text written as it is, or a displayed value.
    public enum OutputPiece: Sendable, Equatable {
        case text(String)
        case value(Value)
    }

    /// Standard output as written, in order, with displayed values kept as values, so a test
    /// can render them as another output mode would (`--output json`).
    public var standardOutputPieces: [OutputPiece] { lock.withLock { outputPieces } }

    /// Everything written to standard error.
    public var standardError: String { lock.withLock { streams[.standardError] ?? "" } }

    // MARK: CommandHost

    public func run(_ call: CommandCall) async throws -> Value {
        let (next, count): (Result<Value, CommandFailure>?, Int) = lock.withLock {
            recordedCalls.append(call)
            guard var queue = scripted[call.name], !queue.isEmpty else { return (nil, recordedCalls.count) }
            let first = queue.removeFirst()
            scripted[call.name] = queue
            return (first, recordedCalls.count)
        }
        switch next {
        case .success(let value)?: return value
        case .failure(let failure)?: throw failure
        case nil: return .record(Record([("id", .int(count)), ("name", call.arguments.first ?? .string(call.name))]))
        }
    }

    public func display(_ value: Value, of call: CommandCall?) async {
        lock.withLock {
            recordedDisplays.append(value)
            outputPieces.append(.value(value))
            streams[.standardOutput, default: ""] += value.description + "\n"
        }
    }

    public func write(_ text: String, to stream: OutputStreamKind) async {
        lock.withLock {
            if stream == .standardOutput { outputPieces.append(.text(text)) }
            streams[stream, default: ""] += text
        }
    }

    public func readSource(at path: String) async throws -> String {
        if let text = lock.withLock({ sourceFiles[path] }) { return text }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandFailure(message: "No such file '\(path)'")
        }
    }

    // MARK: Formatting

    /// A call as one line, the form script expectations use.
    public static func line(for call: CommandCall) -> String {
        var words = call.path + call.arguments.map(word(for:))
        for name in call.options.keys.sorted() {
            switch call.options[name]! {
            case .bool(true): words.append("--\(name)")
            case let .list(values): for value in values { words += ["--\(name)", word(for: value)] }
            case let value: words += ["--\(name)", word(for: value)]
            }
        }
        return words.joined(separator: " ")
    }

    /// A value as it would be typed: quoted when it holds spaces or is empty.
    static func word(for value: Value) -> String {
        let text = value.description
        return text.isEmpty || text.contains(" ") ? "'\(text)'" : text
    }
}
