import Foundation

/// Replays a fixed list of inputs, for tests: each `readLine` returns the next one and records
/// the prompt it was given; after the last it returns `.endOfInput`.
public final class ScriptedLineReader: LineReader, @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: [LineInput]
    private var recordedPrompts: [String] = []
    public let isInteractive: Bool

    public init(_ inputs: [LineInput], isInteractive: Bool = true) {
        self.remaining = inputs
        self.isInteractive = isInteractive
    }

    /// Lines only, each as `.line`.
    public convenience init(lines: [String], isInteractive: Bool = true) {
        self.init(lines.map { LineInput.line($0) }, isInteractive: isInteractive)
    }

    /// The prompts shown so far, in order.
    public var prompts: [String] {
        lock.withLock { recordedPrompts }
    }

    public func readLine(prompt: String) async -> LineInput {
        lock.withLock {
            recordedPrompts.append(prompt)
            return remaining.isEmpty ? .endOfInput : remaining.removeFirst()
        }
    }
}
