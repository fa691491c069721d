import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP server on 127.0.0.1 that hands each accepted connection to a script writing raw
/// bytes, for framing the NIO-based `CannedHTTPServer` does not produce: chunked bodies,
/// interim answers, bodies ended by the close, a kept-alive connection closed under a request.
final class RawHTTPServer: @unchecked Sendable {
    /// One accepted connection, as the script sees it.
    final class Connection: @unchecked Sendable {
        let descriptor: Int32
        private var pending: [UInt8] = []

        init(descriptor: Int32) { self.descriptor = descriptor }

        // A client that stopped reading (a body over its limit) must not kill the test run with SIGPIPE.
        #if canImport(Darwin)
            static let sendFlags: Int32 = 0
        #else
            static let sendFlags = Int32(MSG_NOSIGNAL)
        #endif

        /// The next request's head and body (by its `Content-Length`); nil when the client closed.
        func readRequest() -> String? {
            while true {
                if let end = headEnd() {
                    let head = String(decoding: pending[..<end], as: UTF8.self)
                    var length = 0
                    for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                        length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                    while pending.count < end + 4 + length {
                        guard receive() else { return nil }
                    }
                    let request = String(decoding: pending[..<(end + 4 + length)], as: UTF8.self)
                    pending.removeFirst(end + 4 + length)
                    return request
                }
                guard receive() else { return nil }
            }
        }

        func write(_ text: String) {
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Self.sendFlags) }
                guard sent > 0 else { return }
                bytes = bytes.dropFirst(sent)
            }
        }

        func close() { closeDescriptor(descriptor) }

        /// Sends the end of the stream and closes once the client's kernel has acknowledged it,
        /// so the client's socket reads as closed from then on: without the wait, a loaded
        /// machine may not have delivered the FIN when the client next looks.
        func closeOnceTheClientSawTheEnd() {
            shutdown(descriptor, Int32(SHUT_WR))
            #if canImport(Glibc)
                // FIN_WAIT1 until the peer's ACK of our FIN arrives (linux/tcp.h's tcp_info).
                while Self.tcpState(descriptor) == UInt8(TCP_FIN_WAIT1) { usleep(1000) }
            #endif
            closeDescriptor(descriptor)
        }

        #if canImport(Glibc)
            private static func tcpState(_ descriptor: Int32) -> UInt8? {
                var info = tcp_info()
                var length = socklen_t(MemoryLayout<tcp_info>.size)
                guard getsockopt(descriptor, Int32(IPPROTO_TCP), TCP_INFO, &info, &length) == 0 else { return nil }
                return info.tcpi_state
            }
        #endif

        private func headEnd() -> Int? {
            guard pending.count >= 4 else { return nil }
            for index in 0...(pending.count - 4)
            where pending[index] == 13 && pending[index + 1] == 10 && pending[index + 2] == 13
                && pending[index + 3] == 10
            {
                return index
            }
            return nil
        }

        private func receive() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let got = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { return false }
            pending.append(contentsOf: chunk[..<got])
            return true
        }
    }

    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var accepted = 0
    private var requestLog: [String] = []

    /// Starts listening; `script` runs on a thread of its own for each connection, with its
    /// 0-based number.
    init(script: @escaping @Sendable (Connection, Int, RawHTTPServer) -> Void) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var on: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(listener, address, length) == 0 && getsockname(listener, address, &length) == 0
                    && listen(listener, 16) == 0
            }
        }
        guard listening else {
            closeDescriptor(listener)
            throw ReservedPort.Failure()
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            var number = 0
            while true {
                let descriptor = accept(listener, nil, nil)
                guard descriptor >= 0 else { return }
                lock.withLock { accepted += 1 }
                let connection = Connection(descriptor: descriptor)
                let current = number
                number += 1
                Thread.detachNewThread { script(connection, current, self) }
            }
        }
    }

    /// Connections accepted so far.
    var connectionCount: Int { lock.withLock { accepted } }
    /// Requests the scripts recorded, in order.
    var requests: [String] { lock.withLock { requestLog } }

    /// Reads the connection's next request and records it.
    func readRequest(_ connection: Connection) -> String? {
        let request = connection.readRequest()
        if let request { lock.withLock { requestLog.append(request) } }
        return request
    }

    func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        closeDescriptor(listener)
    }
}

/// `close(2)`, which the types' own `close` methods hide.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
