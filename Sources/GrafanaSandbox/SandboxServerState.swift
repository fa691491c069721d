import ServiceLifecycle
import Synchronization

/// The mutable part of ``SandboxServer``, behind a lock so the server stays `Sendable`.
final class SandboxServerState: Sendable {
    /// The task serving and the service group that runs the application in it.
    typealias Running = (task: Task<Void, Never>, group: ServiceGroup)

    private let running = Mutex<Running?>(nil)
    private let boundPort = Mutex<Int?>(nil)

    var port: Int? { boundPort.withLock { $0 } }

    func setPort(_ port: Int?) { boundPort.withLock { $0 = port } }

    func setRunning(_ serving: Running) {
        running.withLock { $0 = serving }
    }

    func takeRunning() -> Running? {
        running.withLock { current in
            defer { current = nil }
            return current
        }
    }
}

/// A one-shot signal carrying the bound port from `onServerRunning` to `start()`.
final class ListeningSignal: Sendable {
    private enum Outcome { case waiting([CheckedContinuation<Int, any Error>]), done(Result<Int, any Error>) }
    private let outcome = Mutex<Outcome>(.waiting([]))

    func succeed(_ port: Int) { finish(.success(port)) }
    func fail(_ error: any Error) { finish(.failure(error)) }

    private func finish(_ result: Result<Int, any Error>) {
        let waiters: [CheckedContinuation<Int, any Error>] = outcome.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = .done(result)
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    func wait() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = outcome.withLock { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .done(let result):
                    return result
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
