// MARK: Public interface

extension Value {
    /// Parses JSON text into a value, keeping the order of object keys and telling integers
    /// (`3`) from other numbers (`3.0`, `3e2`), so a dashboard reads back as Grafana wrote it.
    public init(json text: String) throws(JSONSyntaxError) {
        var parser = JSONParser(text)
        self = try parser.parseDocument()
    }

    /// The value as JSON on one line, with no spaces: `{"id":2,"name":"apiorg"}`.
    public var compactJSON: String {
        var output = ""
        writeJSON(to: &output, indent: nil, depth: 0)
        return output
    }

    /// The value as indented JSON (two spaces, `"key": value`), the layout Grafana exports.
    public var prettyJSON: String {
        var output = ""
        writeJSON(to: &output, indent: "  ", depth: 0)
        return output
    }
}

/// Malformed JSON, with the 1-based line and column where reading stopped.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, capitalised: "Trailing comma before '}'".
    public var message: String
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in characters.
    public var column: Int
    /// The UTF-8 byte offset of the problem.
    public var offset: Int

    /// An error at `line`:`column` (byte `offset`).
    public init(message: String, line: Int, column: Int, offset: Int) {
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line:column: message`, ready to be prefixed with a file name.
    public var description: String { "\(line):\(column): \(message)" }
}

// MARK: Serialisation

extension Value {
    fileprivate func writeJSON(to output: inout String, indent: String?, depth: Int) {
        switch self {
        case .null: output += "null"
        case let .bool(value): output += value ? "true" : "false"
        case let .int(value): output += String(value)
        case let .double(value): output += Value.jsonNumber(value)
        case let .string(value): Value.writeJSONString(value, to: &output)
        case let .list(elements):
            guard !elements.isEmpty else { output += "[]"; return }
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                Value.newline(&output, indent: indent, depth: depth + 1)
                element.writeJSON(to: &output, indent: indent, depth: depth + 1)
            }
            Value.newline(&output, indent: indent, depth: depth)
            output += "]"
        case let .record(record):
            guard !record.isEmpty else { output += "{}"; return }
            output += "{"
            for (index, entry) in record.enumerated() {
                if index > 0 { output += "," }
                Value.newline(&output, indent: indent, depth: depth + 1)
                Value.writeJSONString(entry.key, to: &output)
                output += indent == nil ? ":" : ": "
                entry.value.writeJSON(to: &output, indent: indent, depth: depth + 1)
            }
            Value.newline(&output, indent: indent, depth: depth)
            output += "}"
        }
    }

    private static func newline(_ output: inout String, indent: String?, depth: Int) {
        guard let indent else { return }
        output += "\n"
        for _ in 0..<depth { output += indent }
    }

    /// JSON has no infinities or NaN; like JavaScript's `JSON.stringify`, they become `null`.
    static func jsonNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return value.description
    }

    static func writeJSONString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

// MARK: Parsing

/// A recursive-descent JSON reader over UTF-8 bytes that tracks line and column.
private struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> Value {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw error("Unexpected \(describeCurrent()) after the JSON value")
        }
        return value
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> Value {
        guard index < bytes.count else { throw error("Unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("Unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> Value {
        try enterNesting()
        index += 1
        var record = Record()
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .record(record)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else {
                throw error("Expected a string key, found \(describeCurrent())")
            }
            let key = try parseString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("Expected ':' after key \"\(key)\"") }
            index += 1
            skipWhitespace()
            record[key] = try parseValue()
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if peek == UInt8(ascii: "}") { throw error("Trailing comma before '}'") }
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .record(record)
            default:
                throw error("Expected ',' or '}' in object, found \(describeCurrent())")
            }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> Value {
        try enterNesting()
        index += 1
        var elements: [Value] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .list(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if peek == UInt8(ascii: "]") { throw error("Trailing comma before ']'") }
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .list(elements)
            default:
                throw error("Expected ',' or ']' in array, found \(describeCurrent())")
            }
        }
    }

    /// Deep nesting would overflow the stack of a recursive reader; no dashboard needs it.
    private mutating func enterNesting() throws(JSONSyntaxError) {
        depth += 1
        if depth > 512 { throw error("JSON nested too deeply") }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        var scalars = String.UnicodeScalarView()
        var chunkStart = index
        func flush(_ end: Int, into scalars: inout String.UnicodeScalarView, bytes: [UInt8]) {
            if end > chunkStart {
                scalars.append(contentsOf: String(decoding: bytes[chunkStart..<end], as: UTF8.self).unicodeScalars)
            }
        }
        while true {
            guard index < bytes.count else {
                index = start
                throw error("Unterminated string")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(index, into: &scalars, bytes: bytes)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 {
                throw error(
                    byte == UInt8(ascii: "\n") ? "Unescaped newline in string" : "Unescaped control character in string"
                )
            }
            if byte == UInt8(ascii: "\\") {
                flush(index, into: &scalars, bytes: bytes)
                index += 1
                guard index < bytes.count else { throw error("Unterminated string") }
                let escape = bytes[index]
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
                    var code = try parseHex4()
                    if (0xD800..<0xDC00).contains(code),
                        index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    {
                        index += 2
                        let low = try parseHex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                    }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default:
                    index -= 2
                    throw error("Invalid escape sequence in string")
                }
                chunkStart = index
                continue
            }
            index += 1
        }
    }

    private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = hexValue(bytes[index]) else {
                throw error("Expected four hex digits after \\u")
            }
            code = code * 16 + digit
            index += 1
        }
        return code
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> Value {
        let start = index
        var isInteger = true
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, isDigit(first) else { throw error("Expected a digit") }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek, isDigit(next) { throw error("Leading zeros are not allowed in numbers") }
        } else {
            while let byte = peek, isDigit(byte) { index += 1 }
        }
        if peek == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let byte = peek, isDigit(byte) else { throw error("Expected a digit after '.'") }
            while let byte = peek, isDigit(byte) { index += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek, isDigit(byte) else { throw error("Expected a digit in the exponent") }
            while let byte = peek, isDigit(byte) { index += 1 }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text) else {
            index = start
            throw error("Invalid number \(text)")
        }
        return .double(value)
    }

    private mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("Unexpected \(describeCurrent()), expected a value")
        }
        index += expected.count
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
            default: return
            }
        }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func describeCurrent() -> String {
        guard index < bytes.count else { return "end of input" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "character"
    }

    /// Columns count characters, not bytes, as `SourcePosition` does.
    private func error(_ message: String) -> JSONSyntaxError {
        let end = Swift.min(index, bytes.count)
        let column = String(decoding: bytes[lineStart..<end], as: UTF8.self).count + 1
        return JSONSyntaxError(message: message, line: line, column: column, offset: end)
    }
}
