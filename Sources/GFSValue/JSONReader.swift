import OrderedCollections

// MARK: Public interface

/// How `JSONReader` treats input that strict JSON (RFC 8259) leaves open.
public struct JSONReadingOptions: Hashable, Sendable {
    /// Deeper nesting is refused with a clear error, so a hostile document cannot exhaust the
    /// stack of the recursive reader. No dashboard comes near the default.
    public var maximumDepth: Int
    /// Whether text after the first value is ignored, as Go's `json.Decoder.Decode` (which
    /// Grafana's request binding calls once) leaves it unread.
    public var allowsTrailingContent: Bool
    /// Whether invalid UTF-8 inside a string becomes U+FFFD, as Go's decoder does, instead of
    /// being reported with its position.
    public var replacesInvalidUTF8: Bool

    public init(maximumDepth: Int = 512, allowsTrailingContent: Bool = false, replacesInvalidUTF8: Bool = false) {
        self.maximumDepth = maximumDepth
        self.allowsTrailingContent = allowsTrailingContent
        self.replacesInvalidUTF8 = replacesInvalidUTF8
    }

    /// Strict JSON, for files and Grafana's answers.
    public static let strict = JSONReadingOptions()
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

extension Value {
    /// Parses JSON text into a value, keeping the order of object keys and telling integers
    /// (`3`) from other numbers (`3.0`, `3e2`), so a dashboard reads back as Grafana wrote it.
    public init(json text: String, options: JSONReadingOptions = .strict) throws(JSONSyntaxError) {
        // One bulk copy of the UTF-8 (a memcpy for a native string) into an array the reader
        // takes without further copying.
        try self.init(jsonUTF8: Array(text.utf8), options: options)
    }

    /// Parses JSON from UTF-8 bytes (`[UInt8]`, `Data`, a buffer), without copying them when
    /// they are contiguous.
    public init<Bytes: Sequence<UInt8>>(
        jsonUTF8 bytes: Bytes,
        options: JSONReadingOptions = .strict
    ) throws(JSONSyntaxError) {
        let attempt = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONSyntaxError) in
                try JSONReader.read(buffer, options: options)
            }
        }
        if let attempt {
            self = try attempt.get()
        } else {
            let copy = Array(bytes)
            let result = copy.withUnsafeBufferPointer { buffer in
                Result { () throws(JSONSyntaxError) in
                    try JSONReader.read(buffer, options: options)
                }
            }
            self = try result.get()
        }
    }
}

/// The one JSON reader: a recursive-descent parser over UTF-8 bytes that tracks line and
/// column for errors, keeps key order and integer-versus-float, and keeps numbers no `Int` or
/// `Double` holds as their text.
public enum JSONReader {
    /// Parses one document from `bytes`.
    public static func read(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: JSONReadingOptions = .strict
    ) throws(JSONSyntaxError) -> Value {
        try readPrefix(bytes, options: options).value
    }

    /// Parses the first value in `bytes` and returns it with the offset just past it (after
    /// trailing whitespace); later text is an error unless `options.allowsTrailingContent`.
    public static func readPrefix(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: JSONReadingOptions = .strict
    ) throws(JSONSyntaxError) -> (value: Value, end: Int) {
        var parser = Parser(bytes: bytes, options: options)
        return try parser.parseDocument()
    }
}

// MARK: Parsing

/// Internal rather than private so the streaming reads (`JSONReader+Streaming.swift`) walk a
/// document with the same code, and so report the same errors at the same places.
struct Parser {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONReadingOptions
    var index = 0
    var line = 1
    var lineStart = 0
    var depth = 0
    /// The keys and values of the objects and arrays still open, innermost last.
    var pendingKeys: [String] = []
    var pendingValues: [Value] = []
    /// The members of the objects still open in a walk that builds no tree (a copy or a
    /// digest), innermost last: their keys as written, hashed, to find a repeated key.
    var pendingMembers: [PendingMember] = []
    /// Whether an object copied by `JSONReader.compactJSON` repeated a key.
    var sawRepeatedKey = false

    init(bytes: UnsafeBufferPointer<UInt8>, options: JSONReadingOptions) {
        self.bytes = bytes
        self.options = options
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> (value: Value, end: Int) {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard options.allowsTrailingContent || index == bytes.count else {
            throw error("Unexpected \(describeCurrent()) after the JSON value")
        }
        return (value, index)
    }

    mutating func parseValue() throws(JSONSyntaxError) -> Value {
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

    mutating func parseObject() throws(JSONSyntaxError) -> Value {
        try enterNesting()
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .record(Record())
        }
        // Arrays still open keep their elements on the same value stack, so each stack has
        // its own base.
        let base = (keys: pendingKeys.count, values: pendingValues.count)
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
            let value = try parseValue()
            pendingKeys.append(key)
            pendingValues.append(value)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if peek == UInt8(ascii: "}") { throw error("Trailing comma before '}'") }
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .record(takeRecord(from: base))
            default:
                throw error("Expected ',' or '}' in object, found \(describeCurrent())")
            }
        }
    }

    /// The members parsed since `base` (a depth on each stack), taken off the pending stacks
    /// into a record.
    ///
    /// Members wait on stacks shared by the whole document and the record is built once at
    /// its full size: inserting one at a time grew its key and value storage (1, 2, 4, 8, ...
    /// elements), a reallocation and copy at each step, for every object of the document.
    mutating func takeRecord(from base: (keys: Int, values: Int)) -> Record {
        defer {
            pendingKeys.removeSubrange(base.keys...)
            pendingValues.removeSubrange(base.values...)
        }
        let count = pendingKeys.count - base.keys
        if count <= Self.uniquenessScanLimit, !hasRepeatedKey(from: base.keys) {
            return Record(
                OrderedDictionary(
                    uncheckedUniqueKeys: pendingKeys[base.keys...],
                    values: pendingValues[base.values...]
                )
            )
        }
        // A repeated key keeps its first position and takes the last value, as Go's decoder
        // does.
        var entries = OrderedDictionary<String, Value>(minimumCapacity: count)
        for offset in 0..<count { entries[pendingKeys[base.keys + offset]] = pendingValues[base.values + offset] }
        return Record(entries)
    }

    /// Up to this many members, comparing every pair of keys costs no more than the lookup
    /// per member an `OrderedDictionary` that small makes anyway (it has no hash table).
    static let uniquenessScanLimit = 15

    func hasRepeatedKey(from base: Int) -> Bool {
        var later = base + 1
        while later < pendingKeys.count {
            for earlier in base..<later where pendingKeys[earlier] == pendingKeys[later] { return true }
            later += 1
        }
        return false
    }

    mutating func parseArray() throws(JSONSyntaxError) -> Value {
        try enterNesting()
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .list([])
        }
        // Elements wait on the shared stack, so the list is allocated once at its size.
        let base = pendingValues.count
        while true {
            skipWhitespace()
            let element = try parseValue()
            pendingValues.append(element)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if peek == UInt8(ascii: "]") { throw error("Trailing comma before ']'") }
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                let elements = Array(pendingValues[base...])
                pendingValues.removeSubrange(base...)
                return .list(elements)
            default:
                throw error("Expected ',' or ']' in array, found \(describeCurrent())")
            }
        }
    }

    mutating func enterNesting() throws(JSONSyntaxError) {
        depth += 1
        if depth > options.maximumDepth {
            throw error("JSON nested too deeply (more than \(options.maximumDepth) levels)")
        }
    }

    /// Strings are copied in runs between escapes; a run with no escape (the common case) is
    /// one validated copy of its bytes.
    /// Moves `index` over string bytes eight at a time while none of them is a quote, a
    /// backslash or a control character: most of a document's bytes are plain string text,
    /// which then costs a few instructions per eight bytes instead of per byte. It stops at
    /// or before the first byte the byte-by-byte loop has to look at.
    mutating func skipPlainStringBytes() {
        guard let base = bytes.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            // A byte of `x` is zero exactly when the matching high bit of
            // `(x - ones) & ~x & highBits` is set (the borrow can only mark bytes above a zero
            // byte, which the loop below reads one by one anyway).
            let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            // Bytes below 0x20: `byte - 0x20` borrows into its high bit while `byte` has none.
            let control = (word &- ones &* 0x20) & ~word & highBits
            let special =
                ((quote &- ones) & ~quote & highBits) | ((backslash &- ones) & ~backslash & highBits) | control
            if special != 0 {
                // A borrow marks only bytes above a special one, so the lowest mark is the
                // first special byte (the word was loaded little-endian).
                index += special.trailingZeroBitCount >> 3
                return
            }
            index += 8
        }
    }

    /// Where the first quote, backslash or control character is in `word` (eight bytes loaded
    /// little-endian), 0 to 7, or 8 when there is none.
    @inline(__always)
    static func firstSpecialByte(in word: UInt64) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let control = (word &- ones &* 0x20) & ~word & highBits
        let special =
            ((quote &- ones) & ~quote & highBits) | ((backslash &- ones) & ~backslash & highBits) | control
        return special.trailingZeroBitCount >> 3
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        var runStart = index
        var unescaped: [UInt8] = []
        var hasEscapes = false
        while true {
            skipPlainStringBytes()
            guard index < bytes.count else {
                index = start
                throw error("Unterminated string")
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text: String
                if hasEscapes {
                    unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    let copy = unescaped
                    text = try copy.withUnsafeBufferPointer { buffer in
                        Result { () throws(JSONSyntaxError) in try decodeUTF8(buffer, stringStart: start + 1) }
                    }.get()
                } else {
                    text = try decodeUTF8(
                        UnsafeBufferPointer(rebasing: bytes[runStart..<index]),
                        stringStart: start + 1
                    )
                }
                index += 1
                return text
            }
            if byte < 0x20 {
                throw error(
                    byte == UInt8(ascii: "\n") ? "Unescaped newline in string" : "Unescaped control character in string"
                )
            }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            if !hasEscapes {
                hasEscapes = true
                unescaped.reserveCapacity(index - runStart + 16)
            }
            unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            guard index < bytes.count else {
                index = start
                throw error("Unterminated string")
            }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
            case UInt8(ascii: "b"): unescaped.append(0x08)
            case UInt8(ascii: "f"): unescaped.append(0x0C)
            case UInt8(ascii: "n"): unescaped.append(0x0A)
            case UInt8(ascii: "r"): unescaped.append(0x0D)
            case UInt8(ascii: "t"): unescaped.append(0x09)
            case UInt8(ascii: "u"):
                var code = try parseHex4()
                if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u")
                {
                    let saved = index
                    index += 2
                    let low = try parseHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        // Not a pair: the high half stands alone and the next escape is read
                        // on its own.
                        index = saved
                    }
                }
                // An unpaired surrogate becomes U+FFFD, as Go's decoder does.
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                unescaped.append(contentsOf: UTF8.encode(scalar)!)
            default:
                index -= 2
                throw error("Invalid escape sequence in string")
            }
            runStart = index
        }
    }

    /// Decodes validated UTF-8. Invalid bytes are replaced or reported at their offset, found
    /// by a second, slow pass over the string's source bytes only when validation fails.
    mutating func decodeUTF8(
        _ run: UnsafeBufferPointer<UInt8>,
        stringStart: Int
    ) throws(JSONSyntaxError) -> String {
        // ASCII needs no validation: `String(decoding:)` is specialised for a byte buffer,
        // while `String(validating:as:)` runs as unspecialised generic code, looking up type
        // metadata on each call (a tenth of the CPU time of a dashboard push).
        if Self.isASCII(run) { return String(decoding: run, as: UTF8.self) }
        if let text = String(validating: run, as: UTF8.self) { return text }
        if options.replacesInvalidUTF8 { return String(decoding: run, as: UTF8.self) }
        let end = index
        var position = stringStart
        while position < end {
            let length = Self.validSequenceLength(bytes, at: position, end: end)
            if length == 0 { break }
            position += length
        }
        index = position
        throw error("Invalid UTF-8 in string")
    }

    /// Whether every byte is ASCII, tested eight bytes at a time.
    static func isASCII(_ run: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = run.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        let count = run.count
        var combined: UInt64 = 0
        while offset + 8 <= count {
            combined |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < count {
            combined |= UInt64(run[offset])
            offset += 1
        }
        return combined & 0x8080_8080_8080_8080 == 0
    }

    /// The length of the well-formed UTF-8 sequence at `position`, or 0 if it is malformed.
    /// A backslash escape counts as its two-byte introducer.
    static func validSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, end: Int) -> Int {
        let first = bytes[position]
        if first < 0x80 { return first == UInt8(ascii: "\\") && position + 1 < end ? 2 : 1 }
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: return 0
        }
        guard position + length <= end else { return 0 }
        let second = bytes[position + 1]
        guard second >= lower && second <= upper else { return 0 }
        for offset in 2..<max(length, 2) where bytes[position + offset] & 0xC0 != 0x80 { return 0 }
        return length
    }

    mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
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

    func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Integers accumulate without a string; anything `Int` or `Double` cannot hold exactly
    /// enough (overflow, or a non-zero float that rounds to zero) keeps its text.
    mutating func parseNumber() throws(JSONSyntaxError) -> Value {
        let start = index
        var negative = false
        if peek == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard let first = peek, isDigit(first) else { throw error("Expected a digit") }
        var magnitude: UInt64 = 0
        var overflow = false
        var nonZeroDigit = false
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = peek, isDigit(next) { throw error("Leading zeros are not allowed in numbers") }
        } else {
            nonZeroDigit = true
            while let byte = peek, isDigit(byte) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = sum
                index += 1
            }
        }
        var isInteger = true
        if peek == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard let byte = peek, isDigit(byte) else { throw error("Expected a digit after '.'") }
            while let byte = peek, isDigit(byte) {
                if byte != UInt8(ascii: "0") { nonZeroDigit = true }
                index += 1
            }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek, isDigit(byte) else { throw error("Expected a digit in the exponent") }
            while let byte = peek, isDigit(byte) { index += 1 }
        }
        if isInteger && !overflow {
            if negative {
                if magnitude <= UInt64(Int.max) + 1 {
                    return .int(magnitude == UInt64(Int.max) + 1 ? Int.min : -Int(magnitude))
                }
            } else if magnitude <= UInt64(Int.max) {
                return .int(Int(magnitude))
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger { return .bigNumber(text) }
        guard let value = Double(text) else { return .bigNumber(text) }
        if value.isInfinite || (value == 0 && nonZeroDigit) { return .bigNumber(text) }
        return .double(value)
    }

    mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else {
            throw error("Unexpected \(describeCurrent()), expected a value")
        }
        let expected = word.utf8Start
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw error("Unexpected \(describeCurrent()), expected a value")
        }
        index += count
    }

    mutating func skipWhitespace() {
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

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    func describeCurrent() -> String {
        guard index < bytes.count else { return "end of input" }
        let byte = bytes[index]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "character"
    }

    /// Columns count characters, not bytes, as `SourcePosition` does.
    func error(_ message: String) -> JSONSyntaxError {
        let end = Swift.min(index, bytes.count)
        let column = String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<end]), as: UTF8.self).count + 1
        return JSONSyntaxError(message: message, line: line, column: column, offset: end)
    }
}
