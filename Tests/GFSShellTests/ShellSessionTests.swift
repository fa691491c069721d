import Foundation
import GFSLanguage
import GFSShell
import Testing

/// Records each input; `fail` fails, `slow` calls `whenSlowStarts` and waits until cancelled,
/// `exit N` exits, and `connect ... --token T` makes `T` a secret the way a real host would
/// know it.
final class FakeEvaluator: InputEvaluator, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [String] = []
    private var cancelled = 0
    private var secrets: Set<String> = []
    private var slowStarted: (@Sendable () -> Void)?
    var state = ShellState(prompt: PromptContext(server: "localhost:3000", identity: "admin", organization: "apiorg"))

    var inputs: [String] { lock.withLock { received } }
    var cancellations: Int { lock.withLock { cancelled } }

    /// Called once `slow` is running: the moment a test can interrupt it.
    func whenSlowStarts(_ action: @escaping @Sendable () -> Void) {
        lock.withLock { slowStarted = action }
    }

    func evaluate(_ input: String) async -> EvaluationOutcome {
        lock.withLock { received.append(input) }
        if input == "fail" { return .failure }
        if input.hasPrefix("exit ") { return .exit(Int32(input.dropFirst(5)) ?? 1) }
        if input == "key create k" {
            _ = lock.withLock { secrets.insert("eyJrIjoiReturnedKeyValue") }
        }
        if input == "slow" {
            lock.withLock { slowStarted }?()
            do {
                // Ends only by cancellation; the test's time limit guards against a hang.
                try await Task.sleep(for: .seconds(24 * 3600))
            } catch {
                lock.withLock { cancelled += 1 }
                return .failure
            }
        }
        return .success
    }

    func shellState() async -> ShellState {
        lock.withLock {
            var state = self.state
            state.secrets = secrets
            state.variables = ["org": .record(Record([("id", 2)]))]
            return state
        }
    }
}

/// An interrupt count that moves when told to, standing in for SIGINT.
final class FakeInterrupts: InterruptSource, @unchecked Sendable {
    private let lock = NSLock()
    private var count: UInt = 0
    var interruptCount: UInt { lock.withLock { count } }
    func interrupt() { lock.withLock { count += 1 } }
}

/// Collects what the shell writes.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var collected = ""
    var text: String { lock.withLock { collected } }
    func append(_ text: String) { lock.withLock { collected += text } }
}

/// Braces as the continuation rule, standing in for the parser's `needsContinuation`.
let bracesOpen: @Sendable (String) -> Bool = { text in
    text.filter { $0 == "{" }.count > text.filter { $0 == "}" }.count
}

@Suite struct ShellSessionTests {
    let evaluator = FakeEvaluator()
    let errors = Collected()
    let interrupts = FakeInterrupts()

    func session(_ reader: ScriptedLineReader, history: HistoryStore? = nil, completer: Completer? = nil)
        -> ShellSession
    {
        let errors = self.errors
        return ShellSession(
            reader: reader,
            evaluator: evaluator,
            history: history,
            completer: completer,
            prompt: Prompt(usesColour: false),
            needsContinuation: bracesOpen,
            interrupts: interrupts,
            writeOutput: { _ in },
            writeError: { errors.append($0) }
        )
    }

    @Test func eachLineIsEvaluatedAndTheEndOfInputExitsZero() async {
        let reader = ScriptedLineReader(lines: ["org create apiorg", "use $org"])
        #expect(await session(reader).run() == 0)
        #expect(evaluator.inputs == ["org create apiorg", "use $org"])
        #expect(reader.prompts == Array(repeating: "admin@localhost:3000 [apiorg]> ", count: 3))
    }

    @Test func anOpenBlockGathersContinuationLines() async {
        let reader = ScriptedLineReader(lines: ["for o in $orgs {", "  echo $o", "}", "org list"])
        #expect(await session(reader).run() == 0)
        #expect(evaluator.inputs == ["for o in $orgs {\n  echo $o\n}", "org list"])
        #expect(reader.prompts[1] == "... ")
        #expect(reader.prompts[2] == "... ")
        #expect(reader.prompts[3] == "admin@localhost:3000 [apiorg]> ")
    }

    @Test func aTrailingBackslashContinuesTheLine() async {
        let reader = ScriptedLineReader(lines: ["dashboard push \\", "a.json", "echo a\\\\"])
        #expect(await session(reader).run() == 0)
        // The lexer reads `\` and the line break as a space; an escaped backslash does not continue.
        #expect(evaluator.inputs == ["dashboard push \\\na.json", "echo a\\\\"])
        #expect(reader.prompts[1] == "... ")
    }

    @Test func ctrlCDiscardsTheLineAndTheOpenBlock() async {
        let reader = ScriptedLineReader([.line("for o in $orgs {"), .line("echo $o"), .interrupted, .line("org list")])
        #expect(await session(reader).run() == 0)
        #expect(evaluator.inputs == ["org list"])
        #expect(reader.prompts[3] == "admin@localhost:3000 [apiorg]> ")
    }

    @Test func exitAndQuitEndTheSessionWithZero() async {
        #expect(await session(ScriptedLineReader(lines: ["exit", "org list"])).run() == 0)
        #expect(await session(ScriptedLineReader(lines: ["  quit  ", "org list"])).run() == 0)
        #expect(evaluator.inputs == [])
    }

    @Test func anExitStatementEndsWithItsCode() async {
        #expect(await session(ScriptedLineReader(lines: ["exit 3", "org list"])).run() == 3)
        #expect(evaluator.inputs == ["exit 3"])
    }

    @Test func blankLinesAreSkipped() async {
        #expect(await session(ScriptedLineReader(lines: ["", "   ", "org list"])).run() == 0)
        #expect(evaluator.inputs == ["org list"])
    }

    @Test func theNextPromptMarksAFailure() async {
        let reader = ScriptedLineReader(lines: ["fail", "org list"])
        _ = await session(reader).run()
        #expect(
            reader.prompts == [
                "admin@localhost:3000 [apiorg]> ", "admin@localhost:3000 [apiorg]!> ",
                "admin@localhost:3000 [apiorg]> ",
            ]
        )
    }

    @Test func historyDropsTheBlanksTabLeavesAtTheEnd() async throws {
        let path = try makeTemporaryDirectory() + "/history"
        let history = HistoryStore(path: path, policy: HistoryPolicy(commandTable: testTable))
        let reader = ScriptedLineReader(lines: ["org create apiorg ", "org list\t ", "echo a \\ ", "exit"])
        #expect(await session(reader, history: history).run() == 0)
        // A `\` before the blanks stays followed by them: without, it would continue the line.
        #expect(history.entries == ["org create apiorg", "org list", "echo a \\ ", "exit"])
    }

    @Test func historyGetsEachInputAfterThePolicy() async throws {
        let path = try makeTemporaryDirectory() + "/history"
        let history = HistoryStore(path: path, policy: HistoryPolicy(commandTable: testTable))
        let reader = ScriptedLineReader(lines: [
            "org create apiorg",
            "connect http://h --password hunter22",
            " org list",
            "key create k",
            "echo eyJrIjoiReturnedKeyValue",
            "for o in $orgs {", "echo $o", "}",
            "exit",
        ])
        #expect(await session(reader, history: history).run() == 0)
        let reloaded = HistoryStore(path: path)
        try reloaded.load()
        #expect(
            reloaded.entries == [
                "org create apiorg",
                "connect http://h --password ***",
                "key create k",
                "echo ***",
                "for o in $orgs {\necho $o\n}",
                "exit",
            ]
        )
    }

    @Test func withoutATerminalNothingGoesToHistory() async throws {
        let history = HistoryStore(path: nil)
        _ = await session(ScriptedLineReader(lines: ["org list"], isInteractive: false), history: history).run()
        #expect(history.entries == [])
    }

    @Test func completionSeesTheSessionsVariables() async {
        let completer = Completer(commandTable: testTable)
        _ = await session(ScriptedLineReader(lines: ["org list"]), completer: completer).run()
        #expect(await completer.complete(line: "use $o", cursor: 6).candidates == ["$org"])
    }

    @Test(.timeLimit(.minutes(1)))
    func ctrlCWhileACommandRunsCancelsItAndKeepsTheSession() async {
        let reader = ScriptedLineReader(lines: ["slow", "org list"])
        let interrupts = self.interrupts
        evaluator.whenSlowStarts { interrupts.interrupt() }
        #expect(await session(reader).run() == 0)
        #expect(evaluator.cancellations == 1)
        #expect(evaluator.inputs == ["slow", "org list"])
        #expect(errors.text == "Cancelled.\n")
    }

    @Test(.timeLimit(.minutes(1)))
    func ctrlCInAScriptStopsItWith130() async {
        let reader = ScriptedLineReader(lines: ["slow", "org list"], isInteractive: false)
        let interrupts = self.interrupts
        evaluator.whenSlowStarts { interrupts.interrupt() }
        #expect(await session(reader).run() == 130)
        #expect(evaluator.inputs == ["slow"])
    }

    @Test func anInterruptedReadInAScriptStopsItWith130() async {
        let reader = ScriptedLineReader([.line("org list"), .interrupted, .line("org list")], isInteractive: false)
        #expect(await session(reader).run() == 130)
        #expect(evaluator.inputs == ["org list"])
    }

    @Test func anUnfinishedBlockAtTheEndOfAScriptIsEvaluatedForItsError() async {
        let reader = ScriptedLineReader(lines: ["for o in $orgs {", "echo $o"], isInteractive: false)
        #expect(await session(reader).run() == 0)
        #expect(evaluator.inputs == ["for o in $orgs {\necho $o"])
    }
}

@Suite struct LanguageContinuationTests {
    /// The default rule is the language's: strings, brackets, blocks and a trailing `\`.
    @Test func theLanguagesRuleGathersLines() async {
        let evaluator = FakeEvaluator()
        let reader = ScriptedLineReader(lines: [
            "for o in $orgs {", "  echo $o", "}",
            "echo \"two", "lines\"",
            "dashboard push \\", "a.json",
            "let r = [1,", "2]",
        ])
        let session = ShellSession(
            reader: reader,
            evaluator: evaluator,
            interrupts: FakeInterrupts(),
            writeOutput: { _ in },
            writeError: { _ in }
        )
        #expect(await session.run() == 0)
        #expect(
            evaluator.inputs == [
                "for o in $orgs {\n  echo $o\n}",
                "echo \"two\nlines\"",
                "dashboard push \\\na.json",
                "let r = [1,\n2]",
            ]
        )
        #expect(reader.prompts.filter { $0 == "... " }.count == 5)
    }
}
