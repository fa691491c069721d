import Foundation

/// A clock that stands still until the test moves it, for code that takes its clock as a
/// dependency: a timeout fires, or a cache entry expires, exactly when the test says, however
/// slow the machine.
///
/// `sleep(until:)` suspends until `advance(by:)` passes the deadline, or the sleeping task is
/// cancelled. `waitForSleepers(_:)` lets a test wait, on an event rather than a duration,
/// until the code under test has started that many sleeps.
public final class ManualClock: Clock, @unchecked Sendable {
    /// A point on the manual clock: how far it has been advanced from its start.
    public struct Instant: InstantProtocol, CustomStringConvertible {
        public var offset: Duration

        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        public var description: String { "\(offset)" }
    }

    private struct Sleeper {
        var id: UInt64
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    // Guarded by `lock`.
    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var sleepers: [Sleeper] = []
    private var nextID: UInt64 = 0
    private var started = 0
    private var countWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    public init() {}

    public var now: Instant { lock.withLock { current } }

    public var minimumResolution: Duration { .zero }

    /// How many sleeps have begun since the clock was made (finished ones included).
    public var sleepsStarted: Int { lock.withLock { started } }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = lock.withLock {
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready: [CheckedContinuation<Void, Never>]
                let resumeNow: Bool
                (ready, resumeNow) = lock.withLock {
                    started += 1
                    let ready = takeWaiters()
                    if deadline <= current || Task.isCancelled { return (ready, true) }
                    sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return (ready, false)
                }
                ready.forEach { $0.resume() }
                if resumeNow {
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume()
                    }
                }
            }
        } onCancel: {
            let cancelled = lock.withLock { () -> Sleeper? in
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on by `duration` and wakes every sleep whose deadline it reached.
    public func advance(by duration: Duration) {
        let due = lock.withLock { () -> [Sleeper] in
            current = current.advanced(by: duration)
            let due = sleepers.filter { $0.deadline <= current }
            sleepers.removeAll { $0.deadline <= current }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Returns once at least `count` sleeps have begun on this clock since it was made.
    public func waitForSleepers(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                if started >= count { return true }
                countWaiters.append((count, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Removes and returns the waiters whose count has been reached; called with `lock` held.
    private func takeWaiters() -> [CheckedContinuation<Void, Never>] {
        let ready = countWaiters.filter { $0.count <= started }.map(\.continuation)
        countWaiters.removeAll { $0.count <= started }
        return ready
    }
}
