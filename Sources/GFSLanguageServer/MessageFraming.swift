import Foundation
public import GFSValue

// MARK: Public interface

/// Reads and writes Language Server Protocol messages: JSON-RPC 2.0 bodies, each after a
/// `Content-Length` header and a blank line, as the protocol's base layer defines them.
public enum MessageFraming {
    /// Why a frame could not be read.
    public struct FramingError: Error, Equatable, Sendable {
        public var message: String
    }

    /// One message framed for the wire.
    public static func frame(_ message: Value) -> [UInt8] {
        let body = message.jsonBytes()
        return Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}

/// Splits a byte stream into message bodies. Bytes arrive in any chunks (`append`); each
/// complete body comes out of `nextBody()`.
public struct MessageBuffer: Sendable {
    private var bytes: [UInt8] = []
    private var start = 0

    public init() {}

    /// Adds bytes read from the stream.
    public mutating func append(_ chunk: some Sequence<UInt8>) {
        bytes.append(contentsOf: chunk)
    }

    /// The next complete body, or `nil` until more bytes arrive. Throws when the header is
    /// not one the protocol allows (no `Content-Length`, or one that is not a number).
    public mutating func nextBody() throws(MessageFraming.FramingError) -> [UInt8]? {
        guard let headerEnd = Self.headerEnd(in: bytes, from: start) else { return nil }
        let header = String(decoding: bytes[start..<headerEnd], as: UTF8.self)
        var length: Int?
        for line in header.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else {
                throw MessageFraming.FramingError(message: "Malformed header line '\(line)'")
            }
            if parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-length" {
                guard let value = Int(parts[1].trimmingCharacters(in: .whitespaces)), value >= 0 else {
                    throw MessageFraming.FramingError(message: "Bad Content-Length '\(parts[1])'")
                }
                length = value
            }
        }
        guard let length else { throw MessageFraming.FramingError(message: "Missing Content-Length header") }
        let bodyStart = headerEnd + 4
        guard bytes.count - bodyStart >= length else { return nil }
        let body = Array(bytes[bodyStart..<bodyStart + length])
        start = bodyStart + length
        // Drop consumed bytes now and then rather than on every message.
        if start > 1 << 16 {
            bytes.removeFirst(start)
            start = 0
        }
        return body
    }

    /// The offset of the `\r\n\r\n` that ends the header starting at `from`.
    private static func headerEnd(in bytes: [UInt8], from: Int) -> Int? {
        var index = from
        while index + 3 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }
}
