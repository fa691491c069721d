import Foundation
import GFSLanguage

/// The read-evaluate loop: reads lines, gathers continuation lines into one input, evaluates
/// it, records it in history and updates the prompt and completion.
///
/// - Ctrl-C at the prompt discards the line and any open block; without a terminal it ends
///   the session with status 130.
/// - Ctrl-C while a command runs cancels the evaluating task, prints that it was cancelled and
///   keeps the session; without a terminal it ends the session with status 130.
/// - Ctrl-D on an empty line, `exit` and `quit` end the session with status 0.
/// - `history` lists the session's commands and `history save FILE.gfs` writes them as a
///   script, secrets redacted as in the history file (`SessionHistory`).
public final class ShellSession: Sendable {
    private let reader: any LineReader
    private let evaluator: any InputEvaluator
    private let history: HistoryStore?
    private let completer: Completer?
    private let prompt: Prompt
    private let needsContinuation: @Sendable (String) -> Bool
    private let interrupts: any InterruptSource
    private let writeError: @Sendable (String) -> Void
    private let writeOutput: @Sendable (String) -> Void
    private let startsFailed: Bool

    /// How often a running command's interrupt count is checked.
    static let interruptPollInterval: Duration = .milliseconds(50)

    /// The status a script stopped by Ctrl-C exits with (128 + SIGINT).
    public static let interruptedStatus: Int32 = 130

    /// - Parameters:
    ///   - needsContinuation: whether the text read so far is incomplete (an open string,
    ///     bracket or block, a trailing `\`); the language's own rule by default.
    ///   - writeOutput, writeError: where the shell's own few messages go; standard output
    ///     and error by default.
    ///   - startsFailed: the first prompt marks a failure (a failed rc file or `-i` script).
    public init(
        reader: any LineReader,
        evaluator: any InputEvaluator,
        history: HistoryStore? = nil,
        completer: Completer? = nil,
        prompt: Prompt = Prompt(usesColour: false),
        needsContinuation: (@Sendable (String) -> Bool)? = nil,
        interrupts: any InterruptSource = SignalInterruptSource(),
        writeOutput: (@Sendable (String) -> Void)? = nil,
        writeError: (@Sendable (String) -> Void)? = nil,
        startsFailed: Bool = false
    ) {
        self.startsFailed = startsFailed
        self.reader = reader
        self.evaluator = evaluator
        self.history = history
        self.completer = completer
        self.prompt = prompt
        self.needsContinuation = needsContinuation ?? { GFSLanguage.needsContinuation($0) }
        self.interrupts = interrupts
        self.writeOutput = writeOutput ?? { Terminal.writeStandardOutput($0) }
        self.writeError = writeError ?? { Terminal.writeStandardError($0) }
    }

    /// Runs until the input ends or asks to exit, and returns the exit status.
    public func run() async -> Int32 {
        var historyWarned = false
        var session = SessionHistory(policy: history?.policy ?? HistoryPolicy())
        if let history {
            do {
                try history.load()
            } catch {
                writeError("gfs: \(error.message); history will not be loaded.\n")
            }
        }
        var state = await evaluator.shellState()
        state.prompt.lastFailed = startsFailed
        completer?.updateVariables(state.variables)

        while true {
            let input: String
            switch await readInput(state.prompt) {
            case .input(let text):
                input = text
            case .discarded:
                // Without a terminal, Ctrl-C stops the script as it would a command.
                if !reader.isInteractive { return Self.interruptedStatus }
                continue
            case .end(let incomplete):
                if reader.isInteractive { writeOutput("\n") }
                // Without a terminal an unfinished block is an error the parser should report.
                if let incomplete, !reader.isInteractive {
                    return await evaluator.evaluate(incomplete) == .success ? 0 : 1
                }
                return 0
            }

            let trimmed = input.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed == "exit" || trimmed == "quit" {
                record(input, secrets: state.secrets, warned: &historyWarned)
                return 0
            }
            if let builtin = SessionHistory.Builtin(trimmed) {
                record(input, secrets: state.secrets, warned: &historyWarned)
                state.prompt.lastFailed = !run(builtin, session)
                continue
            }

            let (outcome, wasInterrupted) = await evaluateCancellably(input)
            state = await evaluator.shellState()
            completer?.updateVariables(state.variables)
            record(input, secrets: state.secrets, warned: &historyWarned)
            session.add(input, secrets: state.secrets, failed: outcome != .success || wasInterrupted)

            if wasInterrupted {
                writeError("Cancelled.\n")
                if !reader.isInteractive { return Self.interruptedStatus }
            }
            switch outcome {
            case .exit(let code):
                return code
            case .failure:
                state.prompt.lastFailed = true
            case .success:
                state.prompt.lastFailed = wasInterrupted
            }
        }
    }

    private enum Read {
        case input(String)
        /// Ctrl-C: the line and any open block were discarded.
        case discarded
        /// The input ended, possibly inside an unfinished block.
        case end(incomplete: String?)
    }

    /// Reads lines until they form a complete input. Lines are joined with newlines as typed,
    /// a trailing `\` included: the lexer reads `\` and a line break as a space.
    private func readInput(_ context: PromptContext) async -> Read {
        var text = ""
        var started = false
        while true {
            let shown = started ? prompt.continuation() : prompt.primary(context)
            switch await reader.readLine(prompt: shown) {
            case .endOfInput:
                return .end(incomplete: started ? text : nil)
            case .interrupted:
                return .discarded
            case .line(let line):
                if started { text += "\n" }
                started = true
                text += line
                if Self.endsWithContinuationBackslash(line) || needsContinuation(text) { continue }
                return .input(text)
            }
        }
    }

    /// A line ending in an odd number of backslashes continues on the next line.
    static func endsWithContinuationBackslash(_ line: String) -> Bool {
        line.reversed().prefix { $0 == "\\" }.count % 2 == 1
    }

    /// Evaluates `input` in a task that a Ctrl-C (a move of the interrupt count) cancels.
    private func evaluateCancellably(_ input: String) async -> (EvaluationOutcome, Bool) {
        let interrupts = self.interrupts
        let before = interrupts.interruptCount
        let evaluator = self.evaluator
        let evaluation = Task { await evaluator.evaluate(input) }
        let watcher = Task {
            while !Task.isCancelled {
                if interrupts.interruptCount != before {
                    evaluation.cancel()
                    return true
                }
                try? await Task.sleep(for: Self.interruptPollInterval)
            }
            return false
        }
        let outcome = await evaluation.value
        watcher.cancel()
        let interrupted = await watcher.value || interrupts.interruptCount != before
        return (outcome, interrupted)
    }

    /// The input without the blanks Tab leaves after a completed word, so that recalling it
    /// does not bring them back; kept when dropping them would leave a continuing `\`.
    static func withoutTrailingBlanks(_ input: String) -> String {
        var trimmed = Substring(input)
        while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
        return trimmed.hasSuffix("\\") ? input : String(trimmed)
    }

    /// Runs a `history` built-in; returns whether it succeeded.
    private func run(_ builtin: SessionHistory.Builtin, _ session: SessionHistory) -> Bool {
        switch builtin {
        case .list:
            writeOutput(session.listing)
            return true
        case .save(let path):
            do {
                let count = try session.save(to: path)
                writeOutput("Saved \(count) command\(count == 1 ? "" : "s") to \(path).\n")
                return true
            } catch {
                writeError(
                    "gfs: error: Cannot write \(path): \(error.localizedDescription)\nhint: Give a path in a directory you can write to.\n"
                )
                return false
            }
        case .usage:
            writeError(
                "gfs: error: 'history' takes no words, or 'save FILE'\nhint: Type 'history' to list this session's commands, or 'history save FILE.gfs' to write them as a script.\n"
            )
            return false
        }
    }

    private func record(_ input: String, secrets: Set<String>, warned: inout Bool) {
        guard let history, reader.isInteractive else { return }
        do {
            try history.record(Self.withoutTrailingBlanks(input), secrets: secrets)
        } catch {
            if !warned { writeError("gfs: \(error.message); history is not being saved.\n") }
            warned = true
        }
    }
}
