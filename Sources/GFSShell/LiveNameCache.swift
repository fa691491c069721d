import Foundation
import GFSLanguage

/// Live names fetched once per kind and kept briefly, so that pressing Tab again does not
/// ask the server again, and a slow server never holds the prompt.
actor LiveNameCache {
    private let provider: any LiveNameProvider
    private let lifetime: Duration
    private var entries: [CompletionKind: (fetched: ContinuousClock.Instant, names: [String])] = [:]
    private var fetches: [CompletionKind: Task<[String], Never>] = [:]

    init(provider: any LiveNameProvider, lifetime: Duration) {
        self.provider = provider
        self.lifetime = lifetime
    }

    /// The names of `kind`, or `nil` when they did not arrive within `timeout`. A fetch that
    /// times out goes on, and its result is cached for the next Tab.
    func names(for kind: CompletionKind, timeout: Duration) async -> [String]? {
        if let entry = entries[kind], entry.fetched.duration(to: .now) < lifetime {
            return entry.names
        }
        let fetch = fetches[kind] ?? startFetch(kind)
        // Not a task group: a group waits for all its children, and `fetch.value` cannot be
        // cancelled. Whichever of the fetch and the timer finishes first answers.
        return await withCheckedContinuation { continuation in
            let answer = FirstAnswer(continuation)
            Task { answer.give(await fetch.value) }
            Task {
                try? await Task.sleep(for: timeout)
                answer.give(nil)
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
        entries[kind] = (.now, names)
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
