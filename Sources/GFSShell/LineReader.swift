/// What one read from a line reader gave.
public enum LineInput: Equatable, Sendable {
    /// A line as typed, without its line terminator.
    case line(String)
    /// Ctrl-C at the prompt: the line was discarded, and so should any open block be.
    case interrupted
    /// Ctrl-D on an empty line, or the end of the input.
    case endOfInput
}

/// Reads the shell's input one line at a time.
///
/// Three implementations: `LibEditLineReader` edits at a terminal, `PlainLineReader` reads a
/// pipe or file with no prompt, and `ScriptedLineReader` replays lines in tests.
public protocol LineReader: AnyObject, Sendable {
    /// Whether this reader edits at a terminal: it shows prompts and keeps history.
    var isInteractive: Bool { get }

    /// Reads one line, showing `prompt` first when the reader is interactive.
    func readLine(prompt: String) async -> LineInput
}
