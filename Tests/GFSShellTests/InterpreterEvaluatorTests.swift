import Foundation
import GFSCommands
import GFSLanguage
import GFSShell
import Testing

/// A host that runs nothing: enough for statements that need no command.
final class SilentHost: CommandHost, @unchecked Sendable {
    private let lock = NSLock()
    private var written: [String] = []
    var output: [String] { lock.withLock { written } }

    var commandTable: CommandTable { GFSCommandCatalog.table }
    func run(_ call: CommandCall) async throws -> Value { .null }
    func display(_ value: Value, of call: CommandCall?) async {}
    func write(_ text: String, to stream: OutputStreamKind) async { lock.withLock { written.append(text) } }
    func readSource(at path: String) async throws -> String { "" }
}

final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [RunOutcome.Status] = []
    var all: [RunOutcome.Status] { lock.withLock { statuses } }
    func add(_ outcome: RunOutcome) { lock.withLock { statuses.append(outcome.status) } }
}

@Suite struct InterpreterEvaluatorTests {
    @Test func linesRunInOneSessionThroughTheShell() async {
        let host = SilentHost()
        let reports = Reports()
        let evaluator = InterpreterEvaluator(
            interpreter: Interpreter(host: host),
            report: { reports.add($0) },
            context: { ShellState(prompt: PromptContext(server: "localhost:3000"), secrets: ["s3cret-value"]) }
        )
        let reader = ScriptedLineReader(lines: [
            "let n = 2", "echo $n", "if $n == 2 {", "  echo two", "}", "echo $missing", "exit 4",
        ])
        let session = ShellSession(
            reader: reader,
            evaluator: evaluator,
            interrupts: FakeInterrupts(),
            writeOutput: { _ in },
            writeError: { _ in }
        )
        #expect(await session.run() == 4)
        #expect(host.output.joined().contains("2"))
        #expect(host.output.joined().contains("two"))
        #expect(reports.all.count == 5)
        #expect(reports.all.last == .exited(4))
        #expect(reports.all.contains(.invalid) || reports.all.contains(.failed))
        // The failed line marks the next prompt.
        #expect(reader.prompts.contains("localhost:3000!> "))
        let state = await evaluator.shellState()
        #expect(state.variables["n"] == 2)
        #expect(state.secrets == ["s3cret-value"])
    }
}
