import OrderedCollections

// MARK: Public interface

/// How `JSONWriter` lays out and escapes a value.
public struct JSONWritingOptions: Hashable, Sendable {
    /// Two-space indentation with `"key": value`, the layout of Grafana's dashboard export
    /// and of Go's `json.MarshalIndent(v, "", "  ")`; otherwise one line with no spaces.
    public var pretty: Bool
    /// Go's `json.Marshal` default (`encodeState.string` with `escapeHTML`): `<`, `>`, `&`,
    /// U+2028 and U+2029 as `\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`, and every
    /// control character except `\n`, `\r`, `\t` as `\u00XX`.
    public var goEscaping: Bool
    /// Go's float64 formatting (`encoding/json` `floatEncoder`): shortest digits, plain
    /// decimal for 1e-6 <= |f| < 1e21, otherwise `1e+21` / `1e-7`; integral values print
    /// with no `.0`. Otherwise Swift's (`4.0`, `1e+20`), which reads back as a double.
    public var goFloats: Bool
    /// Object keys in byte order, as Go writes a `map[string]any`; otherwise in record order.
    public var sortsKeys: Bool

    public init(pretty: Bool = false, goEscaping: Bool = false, goFloats: Bool = false, sortsKeys: Bool = false) {
        self.pretty = pretty
        self.goEscaping = goEscaping
        self.goFloats = goFloats
        self.sortsKeys = sortsKeys
    }

    /// One line, record order, Swift numbers: what gfs prints and sends.
    public static let compact = JSONWritingOptions()
    /// Two-space indentation, Grafana's export layout.
    public static let prettyPrinted = JSONWritingOptions(pretty: true)
    /// The bytes Go's `json.Marshal` writes for the same tree.
    public static let go = JSONWritingOptions(goEscaping: true, goFloats: true)
}

extension Value {
    /// The value as JSON on one line, with no spaces: `{"id":2,"name":"apiorg"}`.
    public var compactJSON: String { jsonString(options: .compact) }

    /// The value as indented JSON (two spaces, `"key": value`), the layout Grafana exports.
    public var prettyJSON: String { jsonString(options: .prettyPrinted) }

    /// The value as JSON text.
    public func jsonString(options: JSONWritingOptions) -> String {
        String(decoding: jsonBytes(options: options), as: UTF8.self)
    }

    /// The value as UTF-8 JSON bytes.
    public func jsonBytes(options: JSONWritingOptions = .compact) -> [UInt8] {
        var writer = JSONWriter(options: options)
        writer.write(self)
        return writer.bytes
    }
}

/// The one JSON writer. It appends UTF-8 into one byte buffer, copying each string's
/// unescaped runs in bulk, never one Unicode scalar at a time.
public struct JSONWriter: Sendable {
    /// What has been written so far.
    public private(set) var bytes: [UInt8] = []
    public let options: JSONWritingOptions
    private var depth = 0

    public init(options: JSONWritingOptions = .compact) {
        self.options = options
        bytes.reserveCapacity(256)
    }

    /// Appends `value` as JSON.
    public mutating func write(_ value: Value) {
        switch value {
        case .null: append("null")
        case let .bool(flag): append(flag ? "true" : "false")
        case let .int(number): writeInteger(number)
        case let .double(number): writeDouble(number)
        case let .bigNumber(text): writeString(raw: text)
        case let .string(text): writeString(text)
        case let .list(elements):
            guard !elements.isEmpty else { return append("[]") }
            bytes.append(UInt8(ascii: "["))
            depth += 1
            for (position, element) in elements.enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                newline()
                write(element)
            }
            depth -= 1
            newline()
            bytes.append(UInt8(ascii: "]"))
        case let .record(record):
            guard !record.isEmpty else { return append("{}") }
            bytes.append(UInt8(ascii: "{"))
            depth += 1
            if options.sortsKeys {
                for (position, entry) in record.sortedByKey().entries.enumerated() {
                    writeMember(entry.key, entry.value, first: position == 0)
                }
            } else {
                for (position, entry) in record.entries.enumerated() {
                    writeMember(entry.key, entry.value, first: position == 0)
                }
            }
            depth -= 1
            newline()
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `text` as a JSON string literal, escaped per the options.
    public mutating func writeString(_ text: String) {
        var text = text
        text.withUTF8 { writeEscaped($0) }
    }

    /// Appends bytes that are already JSON, as they are.
    public mutating func writeRaw(_ json: some Sequence<UInt8>) {
        bytes.append(contentsOf: json)
    }

    /// Appends one byte of JSON syntax (`{`, `,`, ...), for the streaming copy.
    mutating func appendByte(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// Makes room for `count` more bytes, for a copy whose size is about known.
    mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(bytes.count + count)
    }

    // MARK: Implementation

    private mutating func writeMember(_ key: String, _ value: Value, first: Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        newline()
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
        if options.pretty { bytes.append(UInt8(ascii: " ")) }
        write(value)
    }

    private mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func writeString(raw text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func newline() {
        guard options.pretty else { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    private mutating func writeInteger(_ number: Int) {
        if number >= 0 && number < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(number))
            return
        }
        var magnitude = number.magnitude
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        // The digits are counted, then written in place from the last one: reversing a slice
        // of `bytes` afterwards copied the whole array for every number of two digits or more.
        var digits = 0
        var rest = magnitude
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var position = start + digits - 1
        while magnitude > 0 {
            bytes[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            position -= 1
        }
    }

    private mutating func writeDouble(_ number: Double) {
        // JSON has no infinities or NaN; like JavaScript's `JSON.stringify`, they become `null`.
        guard number.isFinite else { return append("null") }
        let text = options.goFloats ? GoFloat.format(number) : number.description
        bytes.append(contentsOf: text.utf8)
    }

    /// Scans the UTF-8 bytes once, copying each run that needs no escape in one append.
    private mutating func writeEscaped(_ source: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        let go = options.goEscaping
        let special = go ? Self.specialInGo : Self.special
        var runStart = 0
        var position = 0
        let count = source.count
        while position < count {
            let byte = source[position]
            // Most bytes need nothing: one table lookup decides, before the switch below.
            guard special[Int(byte)] else {
                position += 1
                continue
            }
            let escape: StaticString?
            var length = 1
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08 where !go: escape = "\\b"
            case 0x0C where !go: escape = "\\f"
            case 0x00..<0x20: escape = ""
            case UInt8(ascii: "<") where go: escape = "\\u003c"
            case UInt8(ascii: ">") where go: escape = "\\u003e"
            case UInt8(ascii: "&") where go: escape = "\\u0026"
            case 0xE2
            where go && position + 2 < count && source[position + 1] == 0x80
                && (source[position + 2] == 0xA8 || source[position + 2] == 0xA9):
                escape = source[position + 2] == 0xA8 ? "\\u2028" : "\\u2029"
                length = 3
            default: escape = nil
            }
            guard let escape else {
                position += 1
                continue
            }
            if position > runStart {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<position]))
            }
            if escape.utf8CodeUnitCount == 0 {
                append("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            } else {
                append(escape)
            }
            position += length
            runStart = position
        }
        if count > runStart {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The bytes `writeEscaped` may have to escape: `"`, `\\` and control characters, and
    /// with Go's escaping also `<`, `>`, `&` and 0xE2 (the lead byte of U+2028 and U+2029).
    private static let special: [Bool] = (0...255).map { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
    private static let specialInGo: [Bool] = (0...255).map {
        $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0xE2
    }
}

/// Go's float64 formatting in `encoding/json` (`floatEncoder.encode`): the shortest digits
/// that read back, plain decimal for 1e-6 <= |f| < 1e21, otherwise an exponent with no
/// leading zeros (`1e+21`, `1e-7`).
public enum GoFloat {
    public static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let magnitude = abs(value)
        if magnitude == 0 { return value.sign == .minus ? "-0" : "0" }
        if magnitude >= 1e-6 && magnitude < 1e21 {
            if value.rounded() == value && magnitude < 1e15 {
                return String(Int64(value))
            }
            let text = "\(value)"
            if !text.contains("e") { return text.hasSuffix(".0") ? String(text.dropLast(2)) : text }
            // Swift switches to exponents earlier than Go does; expand by hand.
            return expandExponent(text)
        }
        var text = "\(value)"
        if let eIndex = text.firstIndex(of: "e") {
            var mantissa = String(text[..<eIndex])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            var exponent = String(text[text.index(after: eIndex)...])
            var sign = "+"
            if exponent.hasPrefix("-") {
                sign = "-"
                exponent.removeFirst()
            }
            if exponent.hasPrefix("+") { exponent.removeFirst() }
            while exponent.hasPrefix("0") && exponent.count > 1 { exponent.removeFirst() }
            text = mantissa + "e" + sign + exponent
        }
        return text
    }

    private static func expandExponent(_ text: String) -> String {
        guard let eIndex = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: eIndex)...]) else {
            return text
        }
        var mantissa = String(text[..<eIndex])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = String(parts[0])
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fractionPart
        var pointPosition = integerPart.count + exponent
        if pointPosition <= 0 {
            digits = String(repeating: "0", count: 1 - pointPosition) + digits
            pointPosition = 1
        }
        if digits.count < pointPosition { digits += String(repeating: "0", count: pointPosition - digits.count) }
        var result = String(digits.prefix(pointPosition))
        var fraction = String(digits.dropFirst(pointPosition))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if !fraction.isEmpty { result += "." + fraction }
        return (negative ? "-" : "") + result
    }
}
