// MARK: Public interface

/// The members of a JSON object with the byte range of each value, read without building
/// the values: a large document is then looked into, copied or compared by parts.
public struct JSONObjectMembers: Sendable {
    /// The object itself, from `{` to `}`.
    public var range: Range<Int>
    /// The members in order; a repeated key appears once for each time it is written.
    public var members: [(key: String, value: Range<Int>)]

    /// The range of `key`'s value, the last one if the key is repeated (as a `Record` read
    /// from the same text keeps the last value).
    public func last(_ key: String) -> Range<Int>? {
        members.last { $0.key == key }?.value
    }
}

/// A digest of a JSON value that two values share when they are equal as data: object keys
/// in any order (a repeated key counting with its last value), strings compared as Swift
/// compares them, and numbers by value (a whole double below 1e15 equals the integer, as
/// dashboard comparisons have it; a number kept as text only equals the same text).
///
/// It is built on `Hasher`, which is seeded anew for each process: digests compare only
/// within one run. Two different values share a digest with a chance of about 2^-64.
public struct JSONDigest: Hashable, Sendable {
    public var value: Int

    public init(value: Int) { self.value = value }
}

extension JSONReader {
    /// Reads `bytes` as `read` does, with the same errors at the same places, but builds no
    /// value: it returns the members of the object the document holds, or nil when the
    /// document holds another kind of value.
    public static func objectMembers(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: JSONReadingOptions = .strict
    ) throws(JSONSyntaxError) -> JSONObjectMembers? {
        var parser = Parser(bytes: bytes, options: options)
        parser.skipWhitespace()
        guard parser.peek == UInt8(ascii: "{") else {
            try parser.skipValue()
            try parser.finishDocument()
            return nil
        }
        let members = try parser.readMembers()
        try parser.finishDocument()
        return members
    }

    /// The members of the object at `range` of a document `objectMembers(_:options:)` has
    /// accepted; nil when the value there is not an object.
    public static func objectMembers(_ bytes: UnsafeBufferPointer<UInt8>, at range: Range<Int>) -> JSONObjectMembers? {
        var parser = Parser(bytes: bytes, options: .accepted)
        parser.index = range.lowerBound
        guard parser.peek == UInt8(ascii: "{") else { return nil }
        return try? parser.readMembers()
    }

    /// The value at `range` of a document already accepted, built.
    public static func value(_ bytes: UnsafeBufferPointer<UInt8>, at range: Range<Int>) -> Value? {
        try? read(UnsafeBufferPointer(rebasing: bytes[range]), options: .accepted)
    }

    /// The value at `range` as one line of JSON, the bytes `Value.jsonBytes()` writes for
    /// what `read` builds from it, copied token by token without building it. Members of the
    /// outermost object named in `dropping` are left out, and `replacing`'s value takes the
    /// place of its key's (or, as a new key does in a `Record`, comes after the last member).
    ///
    /// Nil when an object repeats a key: a record keeps the first place and the last value,
    /// which a copy in one pass cannot know; the caller then builds the value.
    public static func compactJSON(
        _ bytes: UnsafeBufferPointer<UInt8>,
        at range: Range<Int>,
        dropping: Set<String> = [],
        replacing: (key: String, value: Value)? = nil
    ) throws(JSONSyntaxError) -> [UInt8]? {
        var parser = Parser(bytes: bytes, options: .accepted)
        parser.index = range.lowerBound
        var writer = JSONWriter()
        writer.reserveCapacity(range.count)
        try parser.copyValue(to: &writer, dropping: dropping.isEmpty ? nil : dropping, replacing: replacing)
        return parser.sawRepeatedKey ? nil : writer.bytes
    }

    /// The `JSONDigest` of the value at `range`, leaving out the members of the outermost
    /// object named in `ignoring`; built in one pass with no tree.
    public static func digest(
        _ bytes: UnsafeBufferPointer<UInt8>,
        at range: Range<Int>,
        ignoring: Set<String> = []
    ) throws(JSONSyntaxError) -> JSONDigest {
        var parser = Parser(bytes: bytes, options: .accepted)
        parser.index = range.lowerBound
        var hasher = Hasher()
        try parser.digestValue(into: &hasher, ignoring: ignoring.isEmpty ? nil : ignoring)
        return JSONDigest(value: hasher.finalize())
    }
}

extension JSONReadingOptions {
    /// For a part of a document whose whole was read already (with its own depth limit).
    static let accepted = JSONReadingOptions(maximumDepth: .max)
}

// MARK: Implementation

/// The kinds of value, fed before each value's own bytes so no two kinds digest alike.
private enum DigestTag {
    static let null: UInt8 = 0
    static let bool: UInt8 = 1
    static let integer: UInt8 = 2
    static let double: UInt8 = 3
    static let bigNumber: UInt8 = 4
    static let string: UInt8 = 5
    static let list: UInt8 = 6
    static let listEnd: UInt8 = 7
    static let object: UInt8 = 8
}

extension Parser {
    mutating func finishDocument() throws(JSONSyntaxError) {
        skipWhitespace()
        guard options.allowsTrailingContent || index == bytes.count else {
            throw error("Unexpected \(describeCurrent()) after the JSON value")
        }
    }

    /// Walks the object at `index` as `parseObject` reads it (the same errors); `member` is
    /// called with each key and `index` at its value, and moves past the value.
    mutating func walkObject(
        _ member: (inout Parser, String) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try enterNesting()
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return
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
            try member(&self, key)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if peek == UInt8(ascii: "}") { throw error("Trailing comma before '}'") }
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return
            default:
                throw error("Expected ',' or '}' in object, found \(describeCurrent())")
            }
        }
    }

    /// Walks the array at `index` as `parseArray` reads it; `element` moves past each element.
    mutating func walkArray(_ element: (inout Parser) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try enterNesting()
        index += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if peek == UInt8(ascii: "]") { throw error("Trailing comma before ']'") }
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return
            default:
                throw error("Expected ',' or ']' in array, found \(describeCurrent())")
            }
        }
    }

    mutating func readMembers() throws(JSONSyntaxError) -> JSONObjectMembers {
        let start = index
        var members: [(key: String, value: Range<Int>)] = []
        try walkObject { parser, key throws(JSONSyntaxError) in
            let valueStart = parser.index
            try parser.skipValue()
            members.append((key, valueStart..<parser.index))
        }
        return JSONObjectMembers(range: start..<index, members: members)
    }

    /// Checks the value at `index` as `parseValue` would and moves past it, building nothing.
    mutating func skipValue() throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("Unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try walkObject { parser, _ throws(JSONSyntaxError) in try parser.skipValue() }
        case UInt8(ascii: "["): try walkArray { parser throws(JSONSyntaxError) in try parser.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectWord("true")
        case UInt8(ascii: "f"): try expectWord("false")
        case UInt8(ascii: "n"): try expectWord("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw error("Unexpected \(describeCurrent()), expected a value")
        }
    }

    /// Moves past a string without building it; any string but plain ASCII with no escape
    /// goes through `parseString`, which checks it and reports what is wrong.
    mutating func skipString() throws(JSONSyntaxError) {
        if !skipPlainString() { _ = try parseString() }
    }

    /// Moves past the string at `index` if it is plain ASCII with no escape (most strings of
    /// a dashboard); otherwise leaves `index` where it was and returns false.
    mutating func skipPlainString() -> Bool {
        let start = index
        index += 1
        while true {
            skipPlainStringBytes()
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                if Self.isASCII(UnsafeBufferPointer(rebasing: bytes[(start + 1)..<index])) {
                    index += 1
                    return true
                }
                break
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        index = start
        return false
    }

    /// Writes the value at `index` as `JSONWriter` writes what `parseValue` builds.
    mutating func copyValue(
        to writer: inout JSONWriter,
        dropping: Set<String>?,
        replacing: (key: String, value: Value)?
    ) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("Unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            let base = pendingKeys.count
            var first = true
            var replaced = false
            writer.appendByte(UInt8(ascii: "{"))
            try walkObject { parser, key throws(JSONSyntaxError) in
                parser.pendingKeys.append(key)
                if let dropping, dropping.contains(key) {
                    try parser.skipValue()
                    return
                }
                if !first { writer.appendByte(UInt8(ascii: ",")) }
                first = false
                writer.writeString(key)
                writer.appendByte(UInt8(ascii: ":"))
                if let replacing, key == replacing.key {
                    try parser.skipValue()
                    writer.write(replacing.value)
                    replaced = true
                } else {
                    try parser.copyValue(to: &writer, dropping: nil, replacing: nil)
                }
            }
            if let replacing, !replaced {
                if !first { writer.appendByte(UInt8(ascii: ",")) }
                writer.writeString(replacing.key)
                writer.appendByte(UInt8(ascii: ":"))
                writer.write(replacing.value)
            }
            writer.appendByte(UInt8(ascii: "}"))
            if hasRepeatedKeys(from: base) { sawRepeatedKey = true }
            pendingKeys.removeSubrange(base...)
        case UInt8(ascii: "["):
            var first = true
            writer.appendByte(UInt8(ascii: "["))
            try walkArray { parser throws(JSONSyntaxError) in
                if !first { writer.appendByte(UInt8(ascii: ",")) }
                first = false
                try parser.copyValue(to: &writer, dropping: nil, replacing: nil)
            }
            writer.appendByte(UInt8(ascii: "]"))
        case UInt8(ascii: "\""):
            // Plain ASCII with no escape is written back as it is: the writer escapes only
            // quotes, backslashes and control characters, which such a string cannot hold.
            let start = index
            if skipPlainString() {
                writer.writeRaw(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            } else {
                writer.writeString(try parseString())
            }
        case UInt8(ascii: "t"):
            try expectWord("true")
            writer.write(.bool(true))
        case UInt8(ascii: "f"):
            try expectWord("false")
            writer.write(.bool(false))
        case UInt8(ascii: "n"):
            try expectWord("null")
            writer.write(.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            writer.write(try parseNumber())
        default:
            throw error("Unexpected \(describeCurrent()), expected a value")
        }
    }

    /// Feeds the value at `index` into `hasher` in a form that depends only on what
    /// `JSONDigest` compares. An object's members are digested one by one and added up, so
    /// their order does not count.
    mutating func digestValue(into hasher: inout Hasher, ignoring: Set<String>?) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("Unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            let base = pendingKeys.count
            let digestBase = pendingDigests.count
            try walkObject { parser, key throws(JSONSyntaxError) in
                if let ignoring, ignoring.contains(key) {
                    try parser.skipValue()
                    return
                }
                var entry = Hasher()
                entry.combine(key)
                try parser.digestValue(into: &entry, ignoring: nil)
                parser.pendingKeys.append(key)
                parser.pendingDigests.append(entry.finalize())
            }
            let (count, sum) = takeEntries(keys: base, digests: digestBase)
            hasher.combine(DigestTag.object)
            hasher.combine(count)
            hasher.combine(sum)
        case UInt8(ascii: "["):
            hasher.combine(DigestTag.list)
            var count = 0
            try walkArray { parser throws(JSONSyntaxError) in
                count += 1
                try parser.digestValue(into: &hasher, ignoring: nil)
            }
            hasher.combine(DigestTag.listEnd)
            hasher.combine(count)
        case UInt8(ascii: "\""):
            hasher.combine(DigestTag.string)
            hasher.combine(try parseString())
        case UInt8(ascii: "t"):
            try expectWord("true")
            hasher.combine(DigestTag.bool)
            hasher.combine(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            hasher.combine(DigestTag.bool)
            hasher.combine(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            hasher.combine(DigestTag.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            switch try parseNumber() {
            case .int(let number):
                hasher.combine(DigestTag.integer)
                hasher.combine(number)
            case .double(let number) where number == number.rounded() && abs(number) < 1e15:
                hasher.combine(DigestTag.integer)
                hasher.combine(Int(number))
            case .double(let number):
                hasher.combine(DigestTag.double)
                hasher.combine(number.bitPattern)
            case .bigNumber(let text):
                hasher.combine(DigestTag.bigNumber)
                hasher.combine(text)
            default:
                break
            }
        default:
            throw error("Unexpected \(describeCurrent()), expected a value")
        }
    }

    /// The number of distinct keys since `base` and the sum of their members' digests (the
    /// last member of a repeated key counting), taken off the pending stacks.
    mutating func takeEntries(keys base: Int, digests digestBase: Int) -> (count: Int, sum: Int) {
        defer {
            pendingKeys.removeSubrange(base...)
            pendingDigests.removeSubrange(digestBase...)
        }
        let count = pendingKeys.count - base
        guard hasRepeatedKeys(from: base) else {
            var sum = 0
            for digest in pendingDigests[digestBase...] { sum &+= digest }
            return (count, sum)
        }
        var last: [String: Int] = [:]
        for offset in 0..<count { last[pendingKeys[base + offset]] = pendingDigests[digestBase + offset] }
        return (last.count, last.values.reduce(0, &+))
    }

    func hasRepeatedKeys(from base: Int) -> Bool {
        let count = pendingKeys.count - base
        if count <= Self.uniquenessScanLimit { return hasRepeatedKey(from: base) }
        var seen = Set<String>(minimumCapacity: count)
        for key in pendingKeys[base...] where !seen.insert(key).inserted { return true }
        return false
    }
}
