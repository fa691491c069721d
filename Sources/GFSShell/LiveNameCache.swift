import Foundation
import GFSLanguage

/// Live names fetched once per kind and kept briefly, so that pressing Tab again does not
/// ask the server again, and a slow server never holds the prompt.
///
/// Both times it keeps, how long names stay and how long a Tab waits for them, are measured
/// on a clock it is given, so that tests decide when a wait ends or an entry expires.
actor LiveNameCache {
    private let provider: any LiveNameProvider
    private let lifetime: Duration
    /// Time since the cache was made, on its clock.
    private let elapsed: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private var entries: [CompletionKind: (fetched: Duration, names: [String])] = [:]
    private var fetches: [CompletionKind: Task<[String], Never>] = [:]

    init<C: Clock<Duration>>(provider: any LiveNameProvider, lifetime: Duration, clock: C) {
        self.provider = provider
        self.lifetime = lifetime
        let origin = clock.now
        self.elapsed = { origin.duration(to: clock.now) }
        self.sleep = { try await clock.sleep(for: $0) }
    }

    /// The names of `kind`, or `nil` when they did not arrive within `timeout`. A fetch that
    /// times out goes on, and its result is cached for the next Tab.
    func names(for kind: CompletionKind, timeout: Duration) async -> [String]? {
        if let entry = entries[kind], elapsed() - entry.fetched < lifetime {
            return entry.names
        }
        let fetch = fetches[kind] ?? startFetch(kind)
        let sleep = self.sleep
        // Not a task group: a group waits for all its children, and `fetch.value` cannot be
        // cancelled. Whichever of the fetch and the timer finishes first answers; the timer is
        // then cancelled, so that it does not outlive the answer.
        return await withCheckedContinuation { continuation in
            let answer = FirstAnswer(continuation)
            let timer = Task {
                if (try? await sleep(timeout)) != nil { answer.give(nil) }
            }
            Task {
                answer.give(await fetch.value)
                timer.cancel()
            }
        }
    }

    private func startFetch(_ kind: CompletionKind) -> Task<[String], Never> {
        let provider = self.provider
        let task = Task {
            // A failure is cached as no names: completion never shows errors mid-line.
            let names = (try? await provider.names(for: kind)) ?? []
            self.store(names, for: kind)
            return names
        }
        fetches[kind] = task
        return task
    }

    private func store(_ names: [String], for kind: CompletionKind) {
        entries[kind] = (elapsed(), names)
        fetches[kind] = nil
    }
}

/// Resumes a continuation with the first value given and ignores the rest.
private final class FirstAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<[String]?, Never>?

    init(_ continuation: CheckedContinuation<[String]?, Never>) {
        self.continuation = continuation
    }

    func give(_ names: [String]?) {
        let waiting = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(returning: names)
    }
}
