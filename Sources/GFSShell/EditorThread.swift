import CLibEditShim
import Foundation

/// One long-lived thread that runs the line editor's blocking calls in order.
///
/// Not a dispatch queue: its worker threads come and go, and the thread that edits must be
/// the one with the terminal signals unblocked, so that SIGWINCH and SIGCONT interrupt its
/// `read` and libedit redraws.
final class EditorThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []

    init() {
        // The thread holds the object for the life of the process: a reader lives as long.
        let thread = Thread { self.serve() }
        thread.name = "gfs-editor"
        thread.start()
    }

    /// Runs `body` on the editor thread and returns its result.
    func run<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { continuation in
            condition.withLock {
                jobs.append { continuation.resume(returning: body()) }
                condition.signal()
            }
        }
    }

    private func serve() -> Never {
        _ = gfs_terminal_signals_mask(0)
        _ = gfs_resize_signal_install()
        while true {
            let job = condition.withLock {
                while jobs.isEmpty { condition.wait() }
                return jobs.removeFirst()
            }
            job()
        }
    }
}
