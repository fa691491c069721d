public import GFSLanguage

/// The language's `Interpreter` as the shell's `InputEvaluator`: each input runs as one prompt
/// line in the interpreter's session, so variables carry from line to line.
///
/// What the shell cannot know itself comes from the caller: how to show a run's diagnostics
/// (the executable renders them with the source line and a caret), and where the session
/// stands (server, identity, org, secrets), which only the command host knows.
public final class InterpreterEvaluator: InputEvaluator {
    private let interpreter: Interpreter
    private let report: @Sendable (RunOutcome) async -> Void
    private let context: @Sendable () async -> ShellState
    private let lines = LineCounter()

    /// - Parameters:
    ///   - report: shows a finished run's diagnostics; called after every input.
    ///   - context: the prompt and the secrets; its `variables` are replaced by the
    ///     interpreter's own.
    public init(
        interpreter: Interpreter,
        report: @escaping @Sendable (RunOutcome) async -> Void,
        context: @escaping @Sendable () async -> ShellState = { ShellState() }
    ) {
        self.interpreter = interpreter
        self.report = report
        self.context = context
    }

    public func evaluate(_ input: String) async -> EvaluationOutcome {
        let outcome = await interpreter.runLine(input, number: await lines.next())
        await report(outcome)
        switch outcome.status {
        case .success: return .success
        case .exited(let code): return .exit(code)
        // An interrupted command is reported by the shell itself ("Cancelled.").
        case .invalid, .failed, .interrupted: return .failure
        }
    }

    public func shellState() async -> ShellState {
        var state = await context()
        state.variables = await interpreter.session.variables
        return state
    }
}

/// Numbers prompt lines (`<line 3>`) so diagnostics from different lines stay apart.
private actor LineCounter {
    private var count = 0

    func next() -> Int {
        count += 1
        return count
    }
}
