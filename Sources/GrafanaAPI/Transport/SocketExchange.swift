import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One request of a ``SocketTransport``: connecting, writing, reading the answer, all blocking,
/// on one of ``SocketThreads``'s threads; the task that sent it waits on `continuation`.
final class SocketExchange: @unchecked Sendable {
    let request: TransportRequest
    let transport: SocketTransport
    /// Where the request goes.
    let server: HTTPOrigin

    /// Set by the sending task before the exchange is handed to a thread (under that hand-over's
    /// lock), resumed once by the thread.
    var continuation: UnsafeContinuation<TransportResponse, any Error>?

    private let lock = NIOLock()
    private var cancelled = false
    /// The wake-up pipe of the thread running the exchange, while it runs.
    private var wakeWriteEnd: Int32 = -1

    /// When the whole exchange must be over (monotonic nanoseconds), from its start.
    let deadline: UInt64
    /// The longest silence allowed, in nanoseconds.
    let silence: UInt64

    /// How a thread takes over an exchange the event loop began.
    enum Handover {
        /// The kept-alive connection was closed under the request before any answer: send it
        /// again on a new connection.
        case newConnection
        /// The answer has begun (`buffered`, `received` bytes in all) and needs the framing only
        /// the blocking reader has (chunked, or up to the close).
        case reading(descriptor: Int32, buffered: [UInt8], received: Int)
    }

    /// Set by the event loop before it hands the exchange to a thread.
    var handover: Handover?

    init(request: TransportRequest, transport: SocketTransport) throws {
        self.request = request
        self.transport = transport
        guard let server = request.origin else {
            throw ConnectionFailure(kind: .connectionFailed, cause: "not an http:// URL", stage: .connecting)
        }
        self.server = server
        let timeouts = request.timeouts
        deadline = Monotonic.now() &+ Monotonic.nanoseconds(timeouts.total)
        silence = Monotonic.nanoseconds(min(timeouts.read, timeouts.total))
    }

    // MARK: Cancellation

    /// Marks the exchange cancelled and wakes its thread, or the event loop, if it is running.
    func cancel() {
        let (wake, running) = lock.withLock { () -> (Int32, SocketEventLoop?) in
            cancelled = true
            return (wakeWriteEnd, self.loop)
        }
        if wake >= 0 {
            var byte: UInt8 = 1
            _ = write(wake, &byte, 1)
        }
        running?.wakeIfSleeping()
    }

    /// The event loop running the exchange, while it does.
    private var loop: SocketEventLoop?

    /// Notes that `loop` runs the exchange (nil: no longer); false if it was cancelled already.
    func attach(to loop: SocketEventLoop?) -> Bool {
        lock.withLock {
            self.loop = loop
            return !cancelled
        }
    }

    var isCancelled: Bool { lock.withLock { cancelled } }

    /// Runs the exchange on the calling thread and resumes the waiting task.
    func run(wake: WakePipe) {
        wake.drain()
        let started = lock.withLock { () -> Bool in
            wakeWriteEnd = wake.writeEnd
            return !cancelled
        }
        var result: Result<TransportResponse, any Error>
        if started {
            do {
                result = .success(try perform(wake: wake))
            } catch {
                result = .failure(error)
            }
        } else {
            result = .failure(CancellationError())
        }
        let wasCancelled = lock.withLock { () -> Bool in
            wakeWriteEnd = -1
            return cancelled
        }
        // A cancelled task gets CancellationError whatever broke, so callers can tell it from a failure.
        if wasCancelled, case .failure = result { result = .failure(CancellationError()) }
        finish(result)
    }

    func finish(_ result: Result<TransportResponse, any Error>) {
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(with: result)
    }

    // MARK: The exchange

    private func perform(wake: WakePipe) throws -> TransportResponse {
        let timeouts = request.timeouts
        var retried = false
        switch handover {
        case nil:
            break
        case .newConnection:
            retried = true
        case .reading(let descriptor, let buffered, let received):
            var connection = SocketConnection(
                descriptor: descriptor,
                wake: wake,
                exchange: self,
                silence: silence,
                deadline: deadline,
                buffered: buffered,
                received: received
            )
            do {
                let (response, reusable) = try connection.readResponse(
                    isHead: request.method == .head,
                    limit: transport.maxBodySize
                )
                transport.idle.release(descriptor, for: server.key, reusable: reusable)
                return response
            } catch {
                close(descriptor)
                throw error
            }
        }
        let head = try requestHead()
        while true {
            var reused = false
            let descriptor: Int32
            if !retried, let kept = transport.idle.take(server.key) {
                descriptor = kept
                reused = true
            } else {
                let connectLimit = min(Monotonic.now() &+ Monotonic.nanoseconds(timeouts.connect), deadline)
                descriptor = try connect(wake: wake, until: connectLimit)
            }
            var connection = SocketConnection(
                descriptor: descriptor,
                wake: wake,
                exchange: self,
                silence: silence,
                deadline: deadline
            )
            do {
                let (response, reusable) = try connection.exchange(
                    head: head,
                    body: request.body,
                    isHead: request.method == .head,
                    limit: transport.maxBodySize
                )
                transport.idle.release(descriptor, for: server.key, reusable: reusable)
                return response
            } catch let failure as ConnectionFailure {
                close(descriptor)
                // A kept-alive connection the server closed just as it was taken (its FIN crossed
                // the request): nothing of an answer arrived, so an idempotent request goes again
                // on a new connection. A reset is not that race (a close seen in time is dropped
                // before use) but a fault, left to the client's retries, which report it.
                if reused, !retried, failure == SocketConnection.closed, connection.received == 0,
                    request.method.isIdempotent, !isCancelled
                {
                    retried = true
                    continue
                }
                throw failure
            } catch {
                close(descriptor)
                throw error
            }
        }
    }

    /// The request line and headers, built once into one buffer.
    func requestHead() throws -> [UInt8] {
        var head: [UInt8] = []
        head.reserveCapacity(256 + request.path.utf8.count)
        head.append(contentsOf: request.method.rawValue.utf8)
        head.append(UInt8(ascii: " "))
        server.appendTarget(path: request.path, query: request.query, to: &head)
        head.append(contentsOf: " HTTP/1.1\r\n".utf8)
        var hasHost = false
        for field in request.headers {
            guard !field.name.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 58 }),
                !field.value.utf8.contains(where: { $0 == 13 || $0 == 10 })
            else {
                throw ConnectionFailure(
                    kind: .connectionFailed,
                    cause: "the header '\(field.name)' holds a line break",
                    stage: .connecting
                )
            }
            // The framing is the transport's, from the body it sends.
            let name = field.name.utf8
            if ASCII.equals(name, "content-length") || ASCII.equals(name, "transfer-encoding")
                || ASCII.equals(name, "connection")
            {
                continue
            }
            if ASCII.equals(name, "host") { hasHost = true }
            head.append(contentsOf: name)
            head.append(contentsOf: ": ".utf8)
            head.append(contentsOf: field.value.utf8)
            head.append(contentsOf: "\r\n".utf8)
        }
        if !hasHost {
            head.append(contentsOf: "Host: ".utf8)
            head.append(contentsOf: server.authority.utf8)
            head.append(contentsOf: "\r\n".utf8)
        }
        if let body = request.body {
            head.append(contentsOf: "Content-Length: ".utf8)
            head.append(contentsOf: String(body.count).utf8)
            head.append(contentsOf: "\r\n".utf8)
        } else if request.method == .post || request.method == .put || request.method == .patch {
            head.append(contentsOf: "Content-Length: 0\r\n".utf8)
        }
        head.append(contentsOf: "\r\n".utf8)
        return head
    }

    // MARK: Connecting

    private func connect(wake: WakePipe, until limit: UInt64) throws -> Int32 {
        let addresses = try resolve()
        var first: ConnectionFailure?
        for address in addresses {
            do {
                return try connect(to: address, wake: wake, until: limit)
            } catch let failure as ConnectionFailure where failure.kind != .timeout {
                first = first ?? failure
            }
        }
        throw first ?? ConnectionFailure(kind: .hostNotFound, cause: "host '\(server.host)' not found")
    }

    /// The server's addresses: a literal address as it is, a name through `getaddrinfo`.
    private func resolve() throws -> [SocketAddress] {
        if let literal = literalAddress() { return [literal] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = SocketAddress.streamType
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(server.host, String(server.port), &hints, &list) == 0, let list else {
            throw ConnectionFailure(kind: .hostNotFound, cause: "host '\(server.host)' not found")
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let address = current.pointee.ai_addr,
                current.pointee.ai_family == AF_INET || current.pointee.ai_family == AF_INET6
            {
                addresses.append(SocketAddress(address, length: current.pointee.ai_addrlen))
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else {
            throw ConnectionFailure(kind: .hostNotFound, cause: "host '\(server.host)' not found")
        }
        return addresses
    }

    /// The server's address when its host is an IP address literal, which needs no lookup.
    func literalAddress() -> SocketAddress? {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, server.host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = server.port.bigEndian
            return SocketAddress(v4)
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, server.host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = server.port.bigEndian
            return SocketAddress(v6)
        }
        return nil
    }

    private func connect(to address: SocketAddress, wake: WakePipe, until limit: UInt64) throws -> Int32 {
        let (descriptor, connectedAtOnce) = try Self.beginConnect(to: address)
        if connectedAtOnce { return descriptor }
        do {
            guard try wait(descriptor, events: Int16(POLLOUT), until: limit, wake: wake) else {
                throw Self.connectTimedOut
            }
            try Self.finishConnect(descriptor)
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    static let connectTimedOut = ConnectionFailure(kind: .timeout, cause: "connect timed out", stage: .connecting)

    /// A new non-blocking socket that has begun connecting to `address`, and whether it is
    /// connected already.
    static func beginConnect(to address: SocketAddress) throws -> (Int32, Bool) {
        let descriptor = socket(Int32(address.family), SocketAddress.streamType, 0)
        guard descriptor >= 0 else { throw Self.connectFailure(errno) }
        var connected = false
        defer { if !connected { close(descriptor) } }
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var on: Int32 = 1
        // Requests are written whole; Nagle's algorithm would only hold back their last part.
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
            _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &on, socklen_t(MemoryLayout<Int32>.size))
        #endif
        let status = address.withPointer { systemConnect(descriptor, $0, $1) }
        if status != 0 {
            guard errno == EINPROGRESS || errno == EINTR else { throw Self.connectFailure(errno) }
        }
        connected = true
        return (descriptor, status == 0)
    }

    /// Throws the failure of the connect begun on `descriptor`, once it is writable.
    static func finishConnect(_ descriptor: Int32) throws {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { throw Self.connectFailure(errno) }
        if error != 0 { throw Self.connectFailure(error) }
    }

    static func connectFailure(_ code: Int32) -> ConnectionFailure {
        switch code {
        case ECONNREFUSED:
            return ConnectionFailure(kind: .connectionRefused, cause: "connection refused")
        case ETIMEDOUT:
            return ConnectionFailure(kind: .timeout, cause: "connect timed out", stage: .connecting)
        default:
            return ConnectionFailure(
                kind: .connectionFailed,
                cause: "connect: \(SocketConnection.describe(code))",
                stage: .connecting
            )
        }
    }

    /// Waits until `descriptor` is ready for `events` (true) or `limit` passes (false); throws
    /// `CancellationError` when the exchange is cancelled meanwhile.
    func wait(_ descriptor: Int32, events: Int16, until limit: UInt64, wake: WakePipe) throws -> Bool {
        while true {
            let now = Monotonic.now()
            guard now < limit else { return false }
            let milliseconds = Int32(clamping: (limit - now + 999_999) / 1_000_000)
            var entries = (
                pollfd(fd: descriptor, events: events, revents: 0),
                pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0)
            )
            let count = withUnsafeMutablePointer(to: &entries) { pointer in
                pointer.withMemoryRebound(to: pollfd.self, capacity: 2) { entries in
                    poll(entries, wake.readEnd >= 0 ? 2 : 1, milliseconds)
                }
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw ConnectionFailure(kind: .connectionFailed, cause: "poll: \(SocketConnection.describe(errno))")
            }
            if entries.1.revents != 0 {
                wake.drain()
                if isCancelled { throw CancellationError() }
            }
            if entries.0.revents != 0 { return true }
        }
    }
}

/// `connect(2)`, which the exchange's own `connect` methods hide.
private func systemConnect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}

/// A socket address of either family, as `connect` takes it.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t

    #if canImport(Darwin)
        static let streamType = SOCK_STREAM
    #else
        static let streamType = Int32(SOCK_STREAM.rawValue)
    #endif

    var family: sa_family_t { storage.ss_family }

    init<Address>(_ address: Address) {
        length = socklen_t(MemoryLayout<Address>.size)
        withUnsafeMutableBytes(of: &storage) { storage in
            withUnsafeBytes(of: address) { storage.copyMemory(from: $0) }
        }
    }

    init(_ address: UnsafePointer<sockaddr>, length: socklen_t) {
        self.length = length
        withUnsafeMutableBytes(of: &storage) { storage in
            storage.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(length)))
        }
    }

    func withPointer<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var storage = storage
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}

/// The monotonic clock in nanoseconds.
enum Monotonic {
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// A duration in nanoseconds, at most about 30 years (so that adding it to now cannot overflow).
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        guard seconds < 1_000_000_000 else { return 1_000_000_000 * 1_000_000_000 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
