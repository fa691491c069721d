import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One HTTP/1.1 request and response on a connected, non-blocking socket.
///
/// Reads the status line and headers (skipping `1xx` interim answers), then the body as its
/// headers frame it: none for HEAD, 204 and 304; `Transfer-Encoding: chunked`;
/// `Content-Length`; or everything up to the server's close. The connection may be kept when
/// the answer was HTTP/1.1, framed, not `Connection: close`, and nothing followed it.
struct SocketConnection {
    let descriptor: Int32
    let wake: WakePipe
    let exchange: SocketExchange
    /// The longest silence allowed, in nanoseconds.
    let silence: UInt64
    /// When the whole exchange must be over (monotonic nanoseconds).
    let deadline: UInt64

    /// Bytes of the answer received so far.
    private(set) var received = 0
    /// Received and not yet used, from `position`.
    private var buffer: [UInt8] = []
    private var position = 0

    /// A connection to write a request on; or, with `buffered`, one whose answer has begun to
    /// arrive (those bytes, `received` in all) on the event loop, which hands it over here.
    init(
        descriptor: Int32,
        wake: WakePipe,
        exchange: SocketExchange,
        silence: UInt64,
        deadline: UInt64,
        buffered: [UInt8] = [],
        received: Int = 0
    ) {
        self.descriptor = descriptor
        self.wake = wake
        self.exchange = exchange
        self.silence = silence
        self.deadline = deadline
        self.buffer = buffered
        self.received = received
    }

    #if canImport(Darwin)
        private static let sendFlags: Int32 = 0
    #else
        private static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif

    /// Writes the request and reads the response; returns it and whether the connection may be kept.
    mutating func exchange(head: [UInt8], body: Data?, isHead: Bool, limit: Int) throws -> (TransportResponse, Bool) {
        if let body, !body.isEmpty, body.count <= 64 * 1024 {
            var whole = head
            whole.append(contentsOf: body)
            try write(whole)
        } else {
            try write(head)
            if let body, !body.isEmpty {
                try body.withUnsafeBytes { try write($0) }
            }
        }
        return try readResponse(isHead: isHead, limit: limit)
    }

    /// Reads the response (after any `1xx` interim answers); returns it and whether the
    /// connection may be kept.
    mutating func readResponse(isHead: Bool, limit: Int) throws -> (TransportResponse, Bool) {
        var response = try readHead()
        while (100..<200).contains(response.status) && response.status != 101 {
            response = try readHead()
        }
        do {
            return try readBody(of: response, isHead: isHead, limit: limit)
        } catch let failure as ConnectionFailure {
            throw Self.inBody(failure, status: response.status)
        }
    }

    /// A failure after the head arrived: whatever broke, broke in the body.
    static func inBody(_ failure: ConnectionFailure, status: Int) -> ConnectionFailure {
        var failure = failure
        failure.stage = .readingBody(status: status)
        failure.cause += " after \(HTTPStatusText.line(status)), before the whole answer arrived"
        return failure
    }

    /// Whether a response with this head to this request has no body, whatever its headers say.
    static func hasNoBody(_ head: Head, isHead: Bool) -> Bool {
        isHead || head.status == 204 || head.status == 304
    }

    // MARK: Writing

    private func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    private func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Self.sendFlags)
            if sent >= 0 {
                offset += sent
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                guard try exchange.wait(descriptor, events: Int16(POLLOUT), until: nextLimit(), wake: wake) else {
                    throw Self.timeout(deadline: deadline, exchange: exchange)
                }
            case let code:
                throw Self.failure(code)
            }
        }
    }

    // MARK: Reading

    struct Head {
        var status: Int
        var headers: [HTTPHeaderField]
        var keepAlive: Bool
        var chunked: Bool
        var length: Int?
    }

    private mutating func readHead() throws -> Head {
        var searched = position
        while true {
            if let end = Self.headEnd(in: buffer, from: max(position, searched - 3)) {
                let head = try Self.parseHead(buffer[position..<end])
                position = end + 4
                return head
            }
            searched = buffer.count
            guard buffer.count - position < 1024 * 1024 else {
                throw ConnectionFailure(kind: .connectionFailed, cause: "the answer's headers are larger than 1 MiB")
            }
            guard try receiveMore() else { throw Self.closed }
        }
    }

    static func headEnd(in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = max(start, 0)
        while index + 3 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }

    /// Parses the status line and header lines over their bytes; only the header lines
    /// become strings.
    private static func parseHead(_ slice: ArraySlice<UInt8>) throws -> Head {
        try slice.withUnsafeBufferPointer { try parseHead($0) }
    }

    static func parseHead(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Head {
        let space = UInt8(ascii: " ")
        let tab = UInt8(ascii: "\t")
        // The lines, each without its CRLF.
        var lineStart = 0
        func nextLine() -> Range<Int>? {
            guard lineStart <= bytes.count else { return nil }
            var index = lineStart
            while index + 1 < bytes.count, !(bytes[index] == 13 && bytes[index + 1] == 10) { index += 1 }
            let end = index + 1 < bytes.count ? index : bytes.count
            defer { lineStart = end + 2 }
            return lineStart..<end
        }
        guard let statusLine = nextLine() else { throw malformed }
        // `HTTP/1.x SP status [SP reason]`, runs of spaces taken as one.
        var index = statusLine.lowerBound
        let versionStart = index
        while index < statusLine.upperBound, bytes[index] != space { index += 1 }
        let version = UnsafeBufferPointer(rebasing: bytes[versionStart..<index])
        guard version.count >= 7, version.starts(with: "HTTP/1.".utf8) else { throw malformed }
        while index < statusLine.upperBound, bytes[index] == space { index += 1 }
        var status = 0
        var digits = 0
        while index < statusLine.upperBound, bytes[index] != space {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10, digits < 4 else { throw malformed }
            status = status * 10 + Int(digit)
            digits += 1
            index += 1
        }
        guard digits > 0, (100..<1000).contains(status) else { throw malformed }
        var head = Head(
            status: status,
            headers: [],
            keepAlive: version.elementsEqual("HTTP/1.1".utf8),
            chunked: false,
            length: nil
        )
        head.headers.reserveCapacity(8)
        while let line = nextLine() {
            if line.isEmpty { continue }
            guard let colon = bytes[line].firstIndex(of: UInt8(ascii: ":")) else { throw malformed }
            var valueStart = colon + 1
            var valueEnd = line.upperBound
            while valueStart < valueEnd, bytes[valueStart] == space || bytes[valueStart] == tab { valueStart += 1 }
            while valueEnd > valueStart, bytes[valueEnd - 1] == space || bytes[valueEnd - 1] == tab { valueEnd -= 1 }
            let name = UnsafeBufferPointer(rebasing: bytes[line.lowerBound..<colon])
            let value = UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])
            head.headers.append(
                HTTPHeaderField(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
            )
            if ASCII.equals(name, "content-length") {
                guard !value.isEmpty, value.count <= 18 else { throw malformed }
                var length = 0
                for byte in value {
                    let digit = byte &- UInt8(ascii: "0")
                    guard digit < 10 else { throw malformed }
                    length = length * 10 + Int(digit)
                }
                head.length = length
            } else if ASCII.equals(name, "transfer-encoding") {
                head.chunked = ASCII.contains(value, "chunked")
            } else if ASCII.equals(name, "connection") {
                if ASCII.contains(value, "close") { head.keepAlive = false }
            }
        }
        return head
    }

    private mutating func readBody(of head: Head, isHead: Bool, limit: Int) throws -> (TransportResponse, Bool) {
        var body = Data()
        var framed = true
        if Self.hasNoBody(head, isHead: isHead) {
            // No body, whatever the headers announce.
        } else if head.chunked {
            body = try readChunks(status: head.status, limit: limit)
        } else if let length = head.length {
            guard length <= limit else { throw ResponseTooLarge(status: head.status, limit: limit) }
            body = try read(count: length)
        } else {
            framed = false
            body = try readToClose(status: head.status, limit: limit)
        }
        let reusable = framed && head.keepAlive && position == buffer.count
        return (TransportResponse(status: head.status, headers: head.headers, body: body), reusable)
    }

    /// Exactly `count` bytes: those already received, the rest read straight into the result.
    private mutating func read(count: Int) throws -> Data {
        guard count > 0 else { return Data() }
        var body = Data(count: count)
        let buffered = min(count, buffer.count - position)
        if buffered > 0 {
            body.withUnsafeMutableBytes { target in
                buffer.withUnsafeBytes { source in
                    target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<position + buffered]))
                }
            }
            position += buffered
        }
        var filled = buffered
        while filled < count {
            let got = try body.withUnsafeMutableBytes { target in
                try receive(into: UnsafeMutableRawBufferPointer(rebasing: target[filled..<count]))
            }
            guard got > 0 else { throw Self.closed }
            received += got
            filled += got
        }
        return body
    }

    private mutating func readChunks(status: Int, limit: Int) throws -> Data {
        var body = Data()
        while true {
            let line = try readLine()
            let sizeText = line.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw Self.malformed }
            if size == 0 {
                // Trailers, up to the empty line.
                while try !readLine().isEmpty {}
                return body
            }
            guard body.count + size <= limit else { throw ResponseTooLarge(status: status, limit: limit) }
            try fill(size + 2)
            body.append(contentsOf: buffer[position..<position + size])
            guard buffer[position + size] == 13, buffer[position + size + 1] == 10 else { throw Self.malformed }
            position += size + 2
            compact()
        }
    }

    private mutating func readToClose(status: Int, limit: Int) throws -> Data {
        var body = Data(buffer[position...])
        position = buffer.count
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        guard body.count <= limit else { throw ResponseTooLarge(status: status, limit: limit) }
        while true {
            let got = try chunk.withUnsafeMutableBytes { try receive(into: $0) }
            guard got > 0 else { return body }
            received += got
            guard body.count + got <= limit else { throw ResponseTooLarge(status: status, limit: limit) }
            body.append(contentsOf: chunk[0..<got])
        }
    }

    /// One line without its CRLF.
    private mutating func readLine() throws -> String {
        var searched = position
        while true {
            var index = max(position, searched - 1)
            while index + 1 < buffer.count {
                if buffer[index] == 13, buffer[index + 1] == 10 {
                    let line = String(decoding: buffer[position..<index], as: UTF8.self)
                    position = index + 2
                    return line
                }
                index += 1
            }
            searched = buffer.count
            guard buffer.count - position < 64 * 1024 else { throw Self.malformed }
            guard try receiveMore() else { throw Self.closed }
        }
    }

    /// At least `count` unused bytes in the buffer.
    private mutating func fill(_ count: Int) throws {
        while buffer.count - position < count {
            guard try receiveMore() else { throw Self.closed }
        }
    }

    /// Drops the used bytes once they are most of the buffer.
    private mutating func compact() {
        if position > 64 * 1024, position * 2 > buffer.count {
            buffer.removeSubrange(0..<position)
            position = 0
        }
    }

    /// Appends what the socket has to the buffer; false at the server's close.
    private mutating func receiveMore() throws -> Bool {
        let start = buffer.count
        let room = 16 * 1024
        var got = 0
        buffer.append(contentsOf: repeatElement(0, count: room))
        defer { buffer.removeLast(room - got) }
        let receiver = Receiver(
            descriptor: descriptor,
            wake: wake,
            exchange: exchange,
            silence: silence,
            deadline: deadline
        )
        got = try buffer.withUnsafeMutableBytes { bytes in
            try receiver.receive(into: UnsafeMutableRawBufferPointer(rebasing: bytes[start..<start + room]))
        }
        received += got
        return got > 0
    }

    /// Reads into `bytes`, waiting as long as the timeouts allow; 0 at the server's close.
    private func receive(into bytes: UnsafeMutableRawBufferPointer) throws -> Int {
        try Receiver(descriptor: descriptor, wake: wake, exchange: exchange, silence: silence, deadline: deadline)
            .receive(into: bytes)
    }

    /// The end of the next wait: the read timeout from now, or the deadline if sooner.
    private func nextLimit() -> UInt64 {
        min(Monotonic.now() &+ silence, deadline)
    }

    // MARK: Failures, worded as ``AsyncHTTPClientTransport/classify(_:)`` words them

    static let timedOut = ConnectionFailure(kind: .timeout, cause: "no response in time")

    /// The read timeout, or once the whole exchange's deadline has passed, the total timeout
    /// worded as the funnel's own deadline words it.
    static func timeout(deadline: UInt64, exchange: SocketExchange) -> ConnectionFailure {
        guard Monotonic.now() >= deadline else { return timedOut }
        return ConnectionFailure(
            kind: .timeout,
            cause: "no complete answer within \(GrafanaClient.Retry.spoken(exchange.request.timeouts.total))",
            stage: .awaitingResponse
        )
    }

    static let closed = ConnectionFailure(
        kind: .connectionFailed,
        cause: "the server closed the connection",
        isDropped: true
    )

    static let malformed = ConnectionFailure(kind: .connectionFailed, cause: "the answer is not valid HTTP/1.1")

    static func failure(_ code: Int32) -> ConnectionFailure {
        switch code {
        case ECONNRESET, EPIPE:
            return ConnectionFailure(kind: .connectionFailed, cause: "the connection was reset", isDropped: true)
        case ETIMEDOUT:
            return timedOut
        default:
            return ConnectionFailure(kind: .connectionFailed, cause: describe(code))
        }
    }

    static func describe(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}

/// Reads from the socket without touching the connection's buffer, so it can read into it.
private struct Receiver {
    let descriptor: Int32
    let wake: WakePipe
    let exchange: SocketExchange
    let silence: UInt64
    let deadline: UInt64

    /// Reads into `bytes`, waiting as long as the timeouts allow; 0 at the server's close.
    func receive(into bytes: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let got = recv(descriptor, bytes.baseAddress, bytes.count, 0)
            if got >= 0 { return got }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                guard try exchange.wait(descriptor, events: Int16(POLLIN), until: nextLimit(), wake: wake) else {
                    throw SocketConnection.timeout(deadline: deadline, exchange: exchange)
                }
            case let code:
                throw SocketConnection.failure(code)
            }
        }
    }

    /// The end of the next wait: the read timeout from now, or the deadline if sooner.
    func nextLimit() -> UInt64 {
        min(Monotonic.now() &+ silence, deadline)
    }
}
