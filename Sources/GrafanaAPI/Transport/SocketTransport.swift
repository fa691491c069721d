import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// HTTP/1.1 over POSIX sockets, for `http://` servers.
///
/// A request sent from a task running on ``SocketEventLoop`` (see ``taskExecutor``) is written
/// and read by the loop's thread itself. Any other exchange runs as blocking socket I/O on a
/// thread of the transport's own (never on Swift's cooperative pool), waiting in `poll()` on
/// the socket and on that thread's wake-up pipe, so cancelling the task stops a request at once. Kept-alive connections are pooled per
/// host, one per request in flight; a connection the server has closed while it sat idle is
/// dropped before use, and an idempotent request that finds its reused connection closed
/// before any answer is sent again on a new one.
///
/// Why not AsyncHTTPClient for plain HTTP: setting up its pool, a connection and the channel
/// handlers instantiates hundreds of generic types with conformance requirements, and on Linux
/// the Swift runtime answers each first lookup by scanning every protocol conformance record in
/// the binary; for one command that sends one request this cost four times the instructions of
/// the request itself. TLS still goes through ``AsyncHTTPClientTransport``
/// (``StandardTransport`` chooses by scheme).
///
/// Timeouts, limits and failures are those of ``AsyncHTTPClientTransport``: the connect
/// timeout bounds connecting, the read timeout each silence, the total timeout the whole
/// exchange; a body larger than ``maxBodySize`` throws ``ResponseTooLarge``; failures are
/// ``ConnectionFailure``s with the same kinds, causes and stages; cancellation throws
/// `CancellationError`.
public final class SocketTransport: HTTPTransport {
    /// The process-wide transport, whose idle connections every client shares.
    public static let shared = SocketTransport()

    /// The largest response body accepted, in bytes.
    public let maxBodySize: Int

    /// The most idle connections kept per server: one per request in flight at any `--jobs`
    /// a run is likely to give (as ``AsyncHTTPClientTransport/connectionsPerHost``).
    static let idleConnectionsPerHost = 64

    let idle = IdleConnections()

    /// Creates a transport with its own connections; most callers want ``shared``.
    public init(maxBodySize: Int = 64 * 1024 * 1024) {
        self.maxBodySize = maxBodySize
    }

    /// Sends the request on a kept-alive or new connection and returns the whole response.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        try Task.checkCancellation()
        let exchange = try SocketExchange(request: request, transport: self)
        let loop = loopIfStarted
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { continuation in
                exchange.continuation = continuation
                // From a task running on the event loop, the loop itself sends it when it can.
                if let loop, loop.isCurrent, loop.start(exchange) { return }
                SocketThreads.shared.run(exchange)
            }
        } onCancel: {
            exchange.cancel()
        }
    }

    /// The event loop tasks may run on (``GrafanaClient/withTransportExecutor(isolation:_:)``),
    /// started by the first call.
    public var taskExecutor: (any TaskExecutor)? {
        SocketEventLoop.isInUse.withLockedValue { $0 = true }
        return SocketEventLoop.shared
    }

    /// The event loop, if a task may be running on it; never starts it.
    private var loopIfStarted: SocketEventLoop? {
        SocketEventLoop.isInUse.withLockedValue { $0 } ? SocketEventLoop.shared : nil
    }

    /// True: the exchange's deadline covers it up to the last byte of the body.
    public func boundsWholeExchange(_ request: TransportRequest) -> Bool { true }

    /// Closes every idle connection. Requests still in flight finish on theirs.
    public func shutdown() async throws {
        idle.closeAll()
    }
}

/// The idle kept-alive connections, by `host:port`.
final class IdleConnections: @unchecked Sendable {
    private let lock = NIOLock()
    private var byServer: [String: [Int32]] = [:]

    /// An idle connection to `server` still open, or nil. A socket that is readable while idle
    /// was closed by the server (or holds bytes nobody asked for): it is closed and skipped.
    func take(_ server: String) -> Int32? {
        while let descriptor = lock.withLock({ byServer[server]?.popLast() }) {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, 0) == 0 { return descriptor }
            close(descriptor)
        }
        return nil
    }

    /// Keeps `descriptor` for the next request to `server`, or closes it when enough are kept.
    func put(_ descriptor: Int32, for server: String) {
        let kept = lock.withLock { () -> Bool in
            guard (byServer[server]?.count ?? 0) < SocketTransport.idleConnectionsPerHost else { return false }
            byServer[server, default: []].append(descriptor)
            return true
        }
        if !kept { close(descriptor) }
    }

    /// After an answer: keeps the connection for the next request when the answer left it
    /// reusable (kept alive and read to its end), closes it otherwise.
    func release(_ descriptor: Int32, for server: String, reusable: Bool) {
        if reusable { put(descriptor, for: server) } else { close(descriptor) }
    }

    deinit { closeAll() }

    func closeAll() {
        let all = lock.withLock { () -> [Int32] in
            defer { byServer = [:] }
            return byServer.values.flatMap { $0 }
        }
        for descriptor in all { close(descriptor) }
    }
}

// MARK: - Threads

/// The threads exchanges block on: one per request in flight, started when none is free and
/// kept for the life of the process, each with a pipe a cancellation writes to.
final class SocketThreads: @unchecked Sendable {
    static let shared = SocketThreads()

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [SocketExchange] = []
    /// Threads that have finished their exchange and will take the next queued one.
    private var available = 0

    private init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    func run(_ exchange: SocketExchange) {
        pthread_mutex_lock(mutex)
        let queued = available > 0
        if queued {
            available -= 1
            queue.append(exchange)
            pthread_cond_signal(condition)
        }
        pthread_mutex_unlock(mutex)
        if !queued { start(with: exchange) }
    }

    private func start(with exchange: SocketExchange) {
        let context = Unmanaged.passRetained(ThreadStart(threads: self, first: exchange)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t? = nil
        #else
            var thread = pthread_t()
        #endif
        let started = pthread_create(
            &thread,
            nil,
            { context in
                let start = Unmanaged<ThreadStart>.fromOpaque(context!).takeRetainedValue()
                start.threads.serve(first: start.first)
                return nil
            },
            context
        )
        guard started == 0 else {
            Unmanaged<ThreadStart>.fromOpaque(context).release()
            exchange.finish(
                .failure(
                    ConnectionFailure(
                        kind: .connectionFailed,
                        cause: "cannot start a thread (errno \(started))",
                        stage: .connecting
                    )
                )
            )
            return
        }
        pthread_detach(thread)
    }

    private final class ThreadStart {
        let threads: SocketThreads
        let first: SocketExchange
        init(threads: SocketThreads, first: SocketExchange) {
            self.threads = threads
            self.first = first
        }
    }

    private func serve(first: SocketExchange) {
        var pipeEnds: [Int32] = [-1, -1]
        let wake: WakePipe
        if pipe(&pipeEnds) == 0 {
            for end in pipeEnds { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
            wake = WakePipe(readEnd: pipeEnds[0], writeEnd: pipeEnds[1])
        } else {
            // Without a pipe a cancellation is seen at the next timeout instead of at once.
            wake = WakePipe(readEnd: -1, writeEnd: -1)
        }
        var next = first
        while true {
            next.run(wake: wake)
            pthread_mutex_lock(mutex)
            available += 1
            while queue.isEmpty { pthread_cond_wait(condition, mutex) }
            next = queue.removeFirst()
            pthread_mutex_unlock(mutex)
        }
    }
}

/// A thread's wake-up pipe: a cancellation writes a byte, `poll()` sees it.
struct WakePipe {
    var readEnd: Int32
    var writeEnd: Int32

    func drain() {
        guard readEnd >= 0 else { return }
        var bytes = (UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
