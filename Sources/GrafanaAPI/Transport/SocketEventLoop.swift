import Foundation
import NIOConcurrencyHelpers
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One thread that runs tasks and the requests they send: a task executor (SE-0417) whose
/// thread also waits in `poll()` on the sockets of the requests in flight.
///
/// A task that prefers it (``GrafanaClient/withTransportExecutor(isolation:_:)``) runs its jobs
/// here; a request it sends on a kept-alive connection is written at once from that job, its
/// answer read when `poll()` reports it, and the task resumed by queueing its next job on the
/// same thread. Nothing is handed between threads, so there is no lock contention, no futex
/// and no thread switch per request; the CPU work of many tasks interleaves with their I/O on
/// one core, as an event-driven client such as wrk does.
///
/// The loop keeps only the common exchange: a request on an idle kept-alive connection or on a
/// new one to an IP address, and an answer framed by `Content-Length` (or with no body).
/// Everything else goes to ``SocketThreads`` as before: a host name to look up, a chunked
/// answer or one ended by the close (handed over with the bytes already read), and an
/// idempotent request whose kept-alive connection was closed under it (sent again there on a
/// new connection). Timeouts, limits, failures and cancellation are those of the threads.
final class SocketEventLoop: TaskExecutor, @unchecked Sendable {
    /// The process-wide loop; its thread starts at first use and lives as long as the process.
    static let shared = SocketEventLoop()

    /// Whether `shared` has been asked for as an executor (so a task may be running on it).
    static let isInUse = NIOLockedValueBox(false)

    private let lock = NIOLock()
    /// Jobs to run, queued from any thread (under `lock`).
    private var jobs: [UnownedJob] = []
    /// Whether the loop is (about to be) blocked in `poll()`, so a queued job must wake it.
    private var sleeping = false
    private let wakeReadEnd: Int32
    private let wakeWriteEnd: Int32
    /// The loop's thread, set before `init` returns.
    private var thread: pthread_t?
    /// The exchanges the loop is running; touched only on its thread.
    private var active: [LoopExchange] = []
    /// Where `recv` reads to, before the bytes go to their exchange.
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private let started = Atomic<Int>(0)

    /// How many exchanges the loop has begun (for tests).
    var exchangesStarted: Int { started.load(ordering: .relaxed) }

    private init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
        }
        wakeReadEnd = ends[0]
        wakeWriteEnd = ends[1]
        let started = DispatchSemaphore(value: 0)
        let context = Unmanaged.passRetained(LoopStart(loop: self, started: started)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t? = nil
        #else
            var thread = pthread_t()
        #endif
        let created = pthread_create(
            &thread,
            nil,
            { context in
                let start = Unmanaged<LoopStart>.fromOpaque(context!).takeRetainedValue()
                let loop = start.loop
                loop.thread = pthread_self()
                start.started.signal()
                loop.run()
                return nil
            },
            context
        )
        if created == 0 {
            #if canImport(Darwin)
                pthread_detach(thread!)
            #else
                pthread_detach(thread)
            #endif
            started.wait()
        } else {
            Unmanaged<LoopStart>.fromOpaque(context).release()
        }
    }

    private final class LoopStart {
        let loop: SocketEventLoop
        let started: DispatchSemaphore
        init(loop: SocketEventLoop, started: DispatchSemaphore) {
            self.loop = loop
            self.started = started
        }
    }

    /// Whether the caller runs on the loop's thread.
    var isCurrent: Bool {
        guard let thread else { return false }
        return pthread_equal(pthread_self(), thread) != 0
    }

    // MARK: The executor

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let wake = lock.withLock { () -> Bool in
            jobs.append(job)
            defer { sleeping = false }
            return sleeping
        }
        if wake { signal() }
    }

    /// Makes the loop look at its exchanges (one was cancelled) before it next waits, and
    /// wakes it if it waits already.
    func wakeIfSleeping() {
        let wake = lock.withLock { () -> Bool in
            cancelRequested = true
            defer { sleeping = false }
            return sleeping
        }
        if wake { signal() }
    }

    /// Whether an exchange was cancelled since the loop last looked (under `lock`).
    private var cancelRequested = false

    private func signal() {
        var byte: UInt8 = 1
        _ = write(wakeWriteEnd, &byte, 1)
    }

    // MARK: The loop

    private func run() {
        var batch: [UnownedJob] = []
        var entries: [pollfd] = []
        let executor = asUnownedTaskExecutor()
        while true {
            lock.withLock { swap(&batch, &jobs) }
            for job in batch { job.runSynchronously(on: executor) }
            batch.removeAll(keepingCapacity: true)
            // Wait only when no job is left to run; otherwise just look at what is ready.
            let blocks = lock.withLock { () -> Bool in
                guard jobs.isEmpty, !cancelRequested else {
                    cancelRequested = false
                    return false
                }
                sleeping = true
                return true
            }
            if !blocks && active.isEmpty { continue }
            entries.removeAll(keepingCapacity: true)
            entries.append(pollfd(fd: wakeReadEnd, events: Int16(POLLIN), revents: 0))
            var nearest = UInt64.max
            for exchange in active {
                entries.append(
                    pollfd(fd: exchange.descriptor, events: Int16(exchange.awaitsOutput ? POLLOUT : POLLIN), revents: 0)
                )
                nearest = min(nearest, exchange.limit)
            }
            var timeout: Int32 = 0
            if blocks {
                if nearest == .max {
                    timeout = -1
                } else {
                    let now = Monotonic.now()
                    timeout = nearest > now ? Int32(clamping: (nearest - now + 999_999) / 1_000_000) : 0
                }
            }
            let count = poll(&entries, nfds_t(entries.count), timeout)
            if blocks { lock.withLock { sleeping = false } }
            if count > 0, entries[0].revents != 0 { drainWakePipe() }
            serviceActive(entries)
        }
    }

    private func drainWakePipe() {
        var bytes = (UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(wakeReadEnd, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Moves each exchange on by what `poll()` reported (`entries[1...]`, in `active`'s order),
    /// and ends those cancelled or out of time.
    private func serviceActive(_ entries: [pollfd]) {
        guard !active.isEmpty else { return }
        let now = Monotonic.now()
        var index = 0
        var entry = 1
        while index < active.count {
            let exchange = active[index]
            let revents = entry < entries.count ? entries[entry].revents : 0
            entry += 1
            let outcome: LoopExchange.Outcome
            if exchange.exchange.isCancelled {
                outcome = .failed(CancellationError())
            } else if revents != 0 {
                outcome = exchange.awaitsOutput ? exchange.writeMore() : exchange.readMore(into: &scratch)
            } else if now >= exchange.limit {
                outcome = .failed(exchange.timeout())
            } else {
                outcome = .pending
            }
            if case .pending = outcome {
                index += 1
            } else {
                active.remove(at: index)
                exchange.end(outcome)
            }
        }
    }

    // MARK: Starting a request

    /// Begins `exchange` on the loop, from a job running on it. False when the loop does not
    /// take it (no idle connection, and a host name to look up: a thread does that); the
    /// caller then hands it to ``SocketThreads``.
    func start(_ exchange: SocketExchange) -> Bool {
        let head: [UInt8]
        do {
            head = try exchange.requestHead()
        } catch {
            exchange.finish(.failure(error))
            return true
        }
        let descriptor: Int32
        var connecting = false
        if let kept = exchange.transport.idle.take(exchange.server.key) {
            descriptor = kept
        } else {
            guard let address = exchange.literalAddress() else { return false }
            do {
                let (opened, connected) = try SocketExchange.beginConnect(to: address)
                descriptor = opened
                connecting = !connected
            } catch {
                exchange.finish(.failure(error))
                return true
            }
        }
        started.wrappingAdd(1, ordering: .relaxed)
        let running = LoopExchange(exchange: exchange, descriptor: descriptor, head: head, connecting: connecting)
        guard exchange.attach(to: self) else {
            running.end(.failed(CancellationError()))
            return true
        }
        // Written at once: the connection is idle, so the request nearly always fits its buffer.
        let outcome = connecting ? .pending : running.writeMore()
        if case .pending = outcome {
            active.append(running)
        } else {
            running.end(outcome)
        }
        return true
    }
}

/// One request the loop runs: its connection, what is left to write, what has been read.
final class LoopExchange {
    let exchange: SocketExchange
    let descriptor: Int32
    /// The request head; the body is written from the request after it, in the same call.
    private var outgoing: [UInt8]
    /// Bytes of the head (and body) written so far.
    private var written = 0
    private enum Stage { case connecting, writing, reading }
    private var stage: Stage
    /// Whether the connection was kept alive from an earlier request (not opened for this one).
    private let reused: Bool
    /// When connecting must be over.
    private let connectLimit: UInt64
    /// The answer so far; a parsed head's bytes are dropped once it has been read.
    private var buffer: [UInt8] = []
    private var received = 0
    /// Where the search for the head's end resumes.
    private var searched = 0
    /// The head of the (final) answer, once it has arrived.
    private var head: SocketConnection.Head?
    /// When the current silence runs out.
    private var silenceLimit: UInt64

    /// The largest body the loop reads itself; a larger one goes to a thread.
    static let largestBody = 256 * 1024

    enum Outcome {
        case pending
        case done(TransportResponse, reusable: Bool)
        case failed(any Error)
        /// A thread takes over (the exchange's `handover` says how).
        case handedOver
    }

    init(exchange: SocketExchange, descriptor: Int32, head: [UInt8], connecting: Bool) {
        self.exchange = exchange
        self.descriptor = descriptor
        stage = connecting ? .connecting : .writing
        reused = !connecting
        let now = Monotonic.now()
        connectLimit = now &+ Monotonic.nanoseconds(exchange.request.timeouts.connect)
        outgoing = head
        silenceLimit = now &+ exchange.silence
    }

    /// The next time limit: the end of connecting or of the current silence, or the whole
    /// exchange's deadline.
    var limit: UInt64 { min(stage == .connecting ? connectLimit : silenceLimit, exchange.deadline) }

    /// Whether the exchange waits to write (or to be connected) rather than to read.
    var awaitsOutput: Bool { stage != .reading }

    private var sendFlags: Int32 {
        #if canImport(Darwin)
            0
        #else
            Int32(MSG_NOSIGNAL)
        #endif
    }

    /// Writes what the socket takes; reading follows once everything is written.
    func writeMore() -> Outcome {
        if stage == .connecting {
            do {
                try SocketExchange.finishConnect(descriptor)
            } catch {
                return .failed(error)
            }
            stage = .writing
            silenceLimit = Monotonic.now() &+ exchange.silence
        }
        let body = exchange.request.body ?? Data()
        let total = outgoing.count + body.count
        while written < total {
            // What is left of the head and of the body, in one `sendmsg`: one segment on the
            // wire for a small request, and no copy of the body behind the head.
            let sent = outgoing.withUnsafeBytes { head in
                body.withUnsafeBytes { body in
                    let headLeft = max(head.count - written, 0)
                    let bodyFrom = max(written - head.count, 0)
                    var parts = (
                        iovec(
                            iov_base: UnsafeMutableRawPointer(
                                mutating: head.baseAddress.map { $0 + (head.count - headLeft) }
                            ),
                            iov_len: headLeft
                        ),
                        iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress.map { $0 + bodyFrom }),
                            iov_len: body.count - bodyFrom
                        )
                    )
                    return withUnsafeMutableBytes(of: &parts) { vectors in
                        var message = msghdr()
                        message.msg_iov = vectors.baseAddress!.assumingMemoryBound(to: iovec.self)
                        message.msg_iovlen = 2
                        return sendmsg(descriptor, &message, sendFlags)
                    }
                }
            }
            if sent >= 0 {
                written += sent
                silenceLimit = Monotonic.now() &+ exchange.silence
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                return .pending
            case let code:
                return .failed(SocketConnection.failure(code))
            }
        }
        stage = .reading
        outgoing = []
        return .pending
    }

    /// Reads what has arrived and sees whether the answer is whole.
    func readMore(into scratch: inout [UInt8]) -> Outcome {
        let got = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if got < 0 {
            switch errno {
            case EINTR, EAGAIN, EWOULDBLOCK:
                return .pending
            case let code:
                return .failed(failure(SocketConnection.failure(code)))
            }
        }
        if got == 0 {
            // A kept-alive connection the server closed just as the request went out: nothing of
            // an answer came, so an idempotent request goes again on a new connection, as the
            // threads do it.
            if reused, received == 0, exchange.request.method.isIdempotent {
                exchange.handover = .newConnection
                close(descriptor)
                return .handedOver
            }
            return .failed(failure(SocketConnection.closed))
        }
        received += got
        silenceLimit = Monotonic.now() &+ exchange.silence
        buffer.append(contentsOf: scratch[0..<got])
        do {
            return try progress()
        } catch {
            return .failed(failure(error))
        }
    }

    /// The answer when it is whole, a hand-over when its framing is not the loop's.
    private func progress() throws -> Outcome {
        while head == nil {
            guard let end = SocketConnection.headEnd(in: buffer, from: max(0, searched - 3)) else {
                searched = buffer.count
                guard buffer.count < 1024 * 1024 else {
                    throw ConnectionFailure(
                        kind: .connectionFailed,
                        cause: "the answer's headers are larger than 1 MiB"
                    )
                }
                return .pending
            }
            let parsed = try buffer.withUnsafeBufferPointer {
                try SocketConnection.parseHead(UnsafeBufferPointer(rebasing: $0[0..<end]))
            }
            if (100..<200).contains(parsed.status) && parsed.status != 101 {
                // An interim answer: skipped.
                buffer.removeSubrange(0..<end + 4)
                searched = 0
                continue
            }
            if !SocketConnection.hasNoBody(parsed, isHead: exchange.request.method == .head),
                parsed.chunked || (parsed.length ?? .max) > Self.largestBody
            {
                // Chunked, up to the close, or large: the thread reads it, from this head on
                // (a large body straight into its own buffer, so it is not held twice).
                exchange.handover = .reading(descriptor: descriptor, buffered: buffer, received: received)
                return .handedOver
            }
            head = parsed
            buffer.removeSubrange(0..<end + 4)
        }
        let head = head!
        if SocketConnection.hasNoBody(head, isHead: exchange.request.method == .head) {
            return .done(
                TransportResponse(status: head.status, headers: head.headers),
                reusable: head.keepAlive && buffer.isEmpty
            )
        }
        let length = head.length!
        let limit = exchange.transport.maxBodySize
        guard length <= limit else { throw ResponseTooLarge(status: head.status, limit: limit) }
        guard buffer.count >= length else { return .pending }
        let body = Data(buffer[0..<length])
        return .done(
            TransportResponse(status: head.status, headers: head.headers, body: body),
            reusable: head.keepAlive && buffer.count == length
        )
    }

    /// `error` as the threads report it: once the head has arrived, as a failure in the body.
    private func failure(_ error: any Error) -> any Error {
        guard let head, let failure = error as? ConnectionFailure else { return error }
        return SocketConnection.inBody(failure, status: head.status)
    }

    /// The timeout that has passed.
    func timeout() -> any Error {
        if stage == .connecting { return SocketExchange.connectTimedOut }
        return failure(SocketConnection.timeout(deadline: exchange.deadline, exchange: exchange))
    }

    /// Finishes the exchange: keeps or closes the connection and resumes the task, or hands
    /// the exchange to a thread.
    func end(_ outcome: Outcome) {
        _ = exchange.attach(to: nil)
        switch outcome {
        case .pending:
            return
        case .handedOver:
            SocketThreads.shared.run(exchange)
        case .done(let response, let reusable):
            exchange.transport.idle.release(descriptor, for: exchange.server.key, reusable: reusable)
            exchange.finish(.success(response))
        case .failed(let error):
            close(descriptor)
            // A cancelled task gets CancellationError whatever broke, as on the threads.
            exchange.finish(.failure(exchange.isCancelled ? CancellationError() : error))
        }
    }
}
