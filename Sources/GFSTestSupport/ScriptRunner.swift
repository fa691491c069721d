import Foundation
public import GFSLanguage
public import Testing

/// Runs a `.gfs` test script with a `RecordingHost` and compares what happened with the
/// expectations in its comments (see `ScriptExpectations`).
public struct ScriptRun: Sendable {
    /// The script's path, also its source name.
    public var path: String
    /// What its comments expect.
    public var expectations: ScriptExpectations
    /// How the run ended.
    public var outcome: RunOutcome
    /// What the run did.
    public var host: RecordingHost

    /// Runs the script at `path` (named by that path, so `source` resolves next to it).
    public static func run(scriptAt path: String, table: CommandTable = LanguageTestCommands.table) async throws
        -> ScriptRun
    {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expectations = ScriptExpectations(parsing: text)
        let host = RecordingHost(table: table)
        for given in expectations.givens {
            switch given.result {
            case let .success(value): host.willReturn(value, for: given.command)
            case let .failure(failure): host.willFail(failure, for: given.command)
            }
        }
        let interpreter = Interpreter(host: host)
        await interpreter.setParameters(arguments: expectations.arguments, variables: expectations.variables)
        let outcome = await interpreter.run(SourceFile(name: path, text: text))
        return ScriptRun(path: path, expectations: expectations, outcome: outcome, host: host)
    }

    /// Each difference between what was expected and what happened, as a sentence.
    public var mismatches: [String] {
        var problems = expectations.problems
        let stdout = Self.lines(host.standardOutput)
        if stdout != expectations.standardOutput {
            problems.append("standard output differs:\n" + Self.listDifference(expectations.standardOutput, stdout))
        }
        if !expectations.standardError.isEmpty {
            let stderr = Self.lines(host.standardError)
            if stderr != expectations.standardError {
                problems.append("standard error differs:\n" + Self.listDifference(expectations.standardError, stderr))
            }
        }
        let errors = outcome.diagnostics.map(describe)
        if errors != expectations.errors {
            problems.append("diagnostics differ:\n" + Self.listDifference(expectations.errors, errors))
        }
        if !expectations.hints.isEmpty {
            let hints = outcome.diagnostics.compactMap(\.hint)
            if hints != expectations.hints {
                problems.append("hints differ:\n" + Self.listDifference(expectations.hints, hints))
            }
        }
        if !expectations.codes.isEmpty {
            let codes = outcome.diagnostics.map(\.code.name)
            if codes != expectations.codes {
                problems.append("error codes differ:\n" + Self.listDifference(expectations.codes, codes))
            }
        }
        let expectedExit = expectations.exitStatus ?? (expectations.errors.isEmpty ? 0 : nil)
        if let expectedExit, outcome.exitStatus != expectedExit {
            problems.append("exit status: expected \(expectedExit), got \(outcome.exitStatus)")
        }
        if let calls = expectations.calls, calls != host.callLines {
            problems.append("calls differ:\n" + Self.listDifference(calls, host.callLines))
        }
        return problems
    }

    /// `LINE:COL: MESSAGE`, with the path relative to the script's directory for other files.
    public func describe(_ diagnostic: Diagnostic) -> String {
        let position = "\(diagnostic.range.start.line):\(diagnostic.range.start.column): \(diagnostic.message)"
        guard diagnostic.sourceName != path else { return position }
        let directory = (path as NSString).deletingLastPathComponent + "/"
        let name =
            diagnostic.sourceName.hasPrefix(directory)
            ? String(diagnostic.sourceName.dropFirst(directory.count)) : diagnostic.sourceName
        return "\(name):\(position)"
    }

    static func lines(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    static func listDifference(_ expected: [String], _ actual: [String]) -> String {
        "  expected:\n" + expected.map { "    \($0)" }.joined(separator: "\n")
            + "\n  actual:\n" + actual.map { "    \($0)" }.joined(separator: "\n")
    }
}

/// Runs the script at `path` and records an issue, at the caller's line, for each way it
/// did not meet its inline expectations.
public func assertScript(
    at path: String,
    table: CommandTable = LanguageTestCommands.table,
    sourceLocation: SourceLocation = #_sourceLocation
) async {
    do {
        let run = try await ScriptRun.run(scriptAt: path, table: table)
        for problem in run.mismatches {
            Issue.record("\((path as NSString).lastPathComponent): \(problem)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("Cannot read script \(path): \(error)", sourceLocation: sourceLocation)
    }
}
