import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a raw TCP client saw of one exchange: every byte until the server closed the
/// connection, and whether it closed with a reset.
struct RawExchange: Sendable {
    var bytes: [UInt8]
    var endedWithReset: Bool

    /// The header block, up to the blank line.
    var head: String {
        guard let end = headEnd else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// The bytes after the header block.
    var body: [UInt8] {
        guard let end = headEnd else { return [] }
        return Array(bytes[(end + 4)...])
    }

    var statusLine: String { head.components(separatedBy: "\r\n").first ?? "" }

    /// A header's value, matched case-insensitively.
    func header(_ name: String) -> String? {
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    private var headEnd: Int? {
        let marker: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { Array(bytes[$0..<$0 + 4]) == marker }
    }
}

/// Sends `request` (a whole HTTP/1.1 request, head and body) on a new connection to
/// `127.0.0.1:port`, all of it before reading anything, then reads until the server closes the
/// connection. Plain blocking sockets, so nothing in the client hides what the server did on the
/// wire; they run on a thread of their own, since blocking one of the few threads that run
/// Swift tasks would stall the server under test.
func rawExchange(port: Int, _ request: [UInt8]) async throws -> RawExchange {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try blockingExchange(port: port, request) })
        }
    }
}

private func blockingExchange(port: Int, _ request: [UInt8]) throws -> RawExchange {
    do {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw RawSocketError(step: "socket", code: errno) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw RawSocketError(step: "connect", code: errno) }
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw RawSocketError(step: "send", code: errno)
            }
            sent += count
        }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[..<count]
            } else if count == 0 {
                return RawExchange(bytes: received, endedWithReset: false)
            } else if errno == EINTR {
                continue
            } else if errno == ECONNRESET {
                return RawExchange(bytes: received, endedWithReset: true)
            } else {
                throw RawSocketError(step: "recv", code: errno)
            }
        }
    }
}

/// A request head for ``rawExchange(port:_:)``, signed in as the sandbox's admin, asking the
/// server to close the connection after answering.
func rawRequest(_ method: String, _ path: String, body: String? = nil, extraHeaders: [String] = []) -> [UInt8] {
    var lines = [
        "\(method) \(path) HTTP/1.1", "Host: 127.0.0.1", "Authorization: Basic YWRtaW46YWRtaW4=",
        "Connection: close",
    ]
    if let body {
        lines.append("Content-Type: application/json")
        lines.append("Content-Length: \(body.utf8.count)")
    }
    lines += extraHeaders
    return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + (body ?? "")).utf8)
}

struct RawSocketError: Error {
    var step: String
    var code: Int32
}
