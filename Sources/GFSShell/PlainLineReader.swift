import Dispatch

/// Reads lines from standard input with no prompt, history or completion: for a pipe or a
/// file, where libedit must never run.
public final class PlainLineReader: LineReader {
    public init() {}

    public var isInteractive: Bool { false }

    public func readLine(prompt: String) async -> LineInput {
        // `readLine` blocks; keep it off the cooperative pool, which has a thread per core.
        await withCheckedContinuation { continuation in
            Terminal.blockingQueue.async {
                let interrupts = Terminal.interruptCount
                if let line = Swift.readLine(strippingNewline: true) {
                    continuation.resume(returning: .line(line))
                } else if Terminal.interruptCount != interrupts {
                    // SIGINT's handler has no SA_RESTART, so the read ended early: not the end.
                    continuation.resume(returning: .interrupted)
                } else {
                    continuation.resume(returning: .endOfInput)
                }
            }
        }
    }
}
