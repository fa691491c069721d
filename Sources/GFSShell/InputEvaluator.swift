public import GFSLanguage

/// Evaluates what the shell reads: the interpreter, as the shell sees it.
///
/// The shell knows nothing of HTTP or of the language's insides; it hands each complete input
/// to this protocol and asks it afterwards where the session stands. Tests use a fake.
public protocol InputEvaluator: AnyObject, Sendable {
    /// Evaluates one complete input (one statement, or a block over several lines), showing
    /// its results and errors itself. Cancelling the calling task (Ctrl-C) should stop a
    /// running command as soon as it can.
    func evaluate(_ input: String) async -> EvaluationOutcome

    /// Where the session stands now, for the prompt, completion and history.
    func shellState() async -> ShellState
}

/// How one input ended.
public enum EvaluationOutcome: Equatable, Sendable {
    case success
    /// A diagnostic or a failed command; the evaluator has reported it.
    case failure
    /// The input asked to end the session (`exit CODE`).
    case exit(Int32)
}

/// A snapshot of the session, taken after each input.
public struct ShellState: Sendable {
    /// Server, identity and org for the prompt; `lastFailed` is filled in by the shell.
    public var prompt: PromptContext
    /// The session's variables, offered by completion after `$`.
    public var variables: [String: Value]
    /// Values that must never be stored in history (API keys and tokens the server
    /// returned, passwords read from the environment).
    public var secrets: Set<String>

    public init(prompt: PromptContext = PromptContext(), variables: [String: Value] = [:], secrets: Set<String> = []) {
        self.prompt = prompt
        self.variables = variables
        self.secrets = secrets
    }
}

/// Counts interrupts (Ctrl-C while a command runs); the shell cancels the command when the
/// count moves.
public protocol InterruptSource: Sendable {
    var interruptCount: UInt { get }
}

/// SIGINT, counted by a C handler installed with `sigaction` (no SA_RESTART).
public struct SignalInterruptSource: InterruptSource {
    public init() {
        Terminal.installInterruptHandler()
    }

    public var interruptCount: UInt { Terminal.interruptCount }
}
