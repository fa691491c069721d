import Foundation

/// A minimal JSON tree that keeps object members in document order and numbers as written.
///
/// The client passes dashboards and other free-form documents through as raw bytes; this type
/// exists for the few places that must look inside one without reordering it: embedding a
/// dashboard in the save body, cutting `dashboard` out of a `GET /api/dashboards/uid` answer,
/// and blanking secrets in a dry-run `curl` line. `JSONSerialization` would lose the order.
indirect enum OrderedJSON: Hashable, Sendable {
    case object([Member])
    case array([OrderedJSON])
    case string(String)
    /// The number's text exactly as written (`1.50`, `1e3`).
    case number(String)
    case bool(Bool)
    case null

    struct Member: Hashable, Sendable {
        var key: String
        var value: OrderedJSON
    }

    /// A parse failure with the byte offset where it happened.
    struct SyntaxError: Error, Hashable, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "\(reason) at byte \(offset)" }
    }

    /// Parses a whole document.
    static func parse(_ data: Data) throws(SyntaxError) -> OrderedJSON {
        var parser = Parser(bytes: Array(data))
        let value = try parser.parseDocument()
        return value
    }

    /// The exact bytes of a member of the top-level object, or nil if there is no such member.
    static func memberBytes(_ key: String, in data: Data) throws(SyntaxError) -> Data? {
        var parser = Parser(bytes: Array(data))
        let ranges = try parser.topLevelMemberRanges()
        guard let range = ranges.last(where: { $0.key == key })?.range else { return nil }
        return data.subdata(in: (data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound))
    }

    /// Compact JSON text, members in order, `/` unescaped.
    var serialized: Data {
        var out = ""
        write(to: &out)
        return Data(out.utf8)
    }

    subscript(key: String) -> OrderedJSON? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    private func write(to out: inout String) {
        switch self {
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                Self.writeString(member.key, to: &out)
                out += ":"
                member.value.write(to: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .string(let text):
            Self.writeString(text, to: &out)
        case .number(let text):
            out += text
        case .bool(let flag):
            out += flag ? "true" : "false"
        case .null:
            out += "null"
        }
    }

    private static func writeString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(format: "%04x", scalar.value)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension OrderedJSON {
    /// A recursive-descent parser over UTF-8 bytes (RFC 8259).
    fileprivate struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func parseDocument() throws(SyntaxError) -> OrderedJSON {
            skipWhitespace()
            let value = try parseValue(depth: 0)
            skipWhitespace()
            guard index == bytes.count else { throw fail("Unexpected text after the JSON value") }
            return value
        }

        mutating func topLevelMemberRanges() throws(SyntaxError) -> [(key: String, range: Range<Int>)] {
            skipWhitespace()
            guard peek == UInt8(ascii: "{") else { throw fail("Expected a JSON object") }
            index += 1
            var ranges: [(key: String, range: Range<Int>)] = []
            skipWhitespace()
            if peek == UInt8(ascii: "}") { return ranges }
            while true {
                skipWhitespace()
                let key = try parseString()
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                let start = index
                _ = try parseValue(depth: 1)
                ranges.append((key, start..<index))
                skipWhitespace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                try expect("}")
                return ranges
            }
        }

        private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        private func fail(_ reason: String) -> SyntaxError {
            SyntaxError(offset: index, reason: reason)
        }

        private mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                index += 1
            }
        }

        private mutating func expect(_ character: Unicode.Scalar) throws(SyntaxError) {
            guard peek == UInt8(ascii: character) else { throw fail("Expected '\(character)'") }
            index += 1
        }

        private mutating func parseValue(depth: Int) throws(SyntaxError) -> OrderedJSON {
            guard depth < 512 else { throw fail("JSON nested too deeply") }
            guard let byte = peek else { throw fail("Unexpected end of JSON") }
            switch byte {
            case UInt8(ascii: "{"):
                index += 1
                var members: [Member] = []
                skipWhitespace()
                if peek == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipWhitespace()
                    let key = try parseString()
                    skipWhitespace()
                    try expect(":")
                    skipWhitespace()
                    members.append(Member(key: key, value: try parseValue(depth: depth + 1)))
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") { index += 1; continue }
                    try expect("}")
                    return .object(members)
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [OrderedJSON] = []
                skipWhitespace()
                if peek == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    skipWhitespace()
                    items.append(try parseValue(depth: depth + 1))
                    skipWhitespace()
                    if peek == UInt8(ascii: ",") { index += 1; continue }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try parseNumber())
            default:
                throw fail("Unexpected character")
            }
        }

        private mutating func literal(_ word: String) throws(SyntaxError) {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count,
                Array(bytes[index..<(index + expected.count)]) == expected
            else { throw fail("Invalid literal") }
            index += expected.count
        }

        private mutating func parseNumber() throws(SyntaxError) -> String {
            let start = index
            if peek == UInt8(ascii: "-") { index += 1 }
            guard let first = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
                throw fail("Invalid number")
            }
            func digits(_ parser: inout Parser) -> Int {
                var count = 0
                while let byte = parser.peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                    parser.index += 1
                    count += 1
                }
                return count
            }
            if first == UInt8(ascii: "0") { index += 1 } else { _ = digits(&self) }
            if peek == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw fail("Invalid number") }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                index += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw fail("Invalid number") }
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        private mutating func parseString() throws(SyntaxError) -> String {
            try expect("\"")
            var scalars = String.UnicodeScalarView()
            var chunkStart = index
            func flush(_ parser: Parser, upTo end: Int) {
                scalars.append(
                    contentsOf: String(decoding: parser.bytes[chunkStart..<end], as: UTF8.self).unicodeScalars
                )
            }
            while true {
                guard let byte = peek else { throw fail("Unterminated string") }
                switch byte {
                case UInt8(ascii: "\""):
                    flush(self, upTo: index)
                    index += 1
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush(self, upTo: index)
                    index += 1
                    guard let escape = peek else { throw fail("Unterminated string") }
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800...0xDBFF).contains(code), peek == UInt8(ascii: "\\"),
                            index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u")
                        {
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("Invalid surrogate pair") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default:
                        throw fail("Invalid escape")
                    }
                    chunkStart = index
                case 0x00..<0x20:
                    throw fail("Control character in string")
                default:
                    index += 1
                }
            }
        }

        private mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count,
                let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
            else { throw fail("Invalid \\u escape") }
            index += 4
            return value
        }
    }
}
