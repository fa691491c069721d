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
/// It is built on a 64-bit hash of the document's bytes (`DigestHasher`), not meant to resist
/// inputs crafted to collide: two different values share a digest with a chance of about
/// 2^-64. Digests are compared within one run only.
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
        try parser.copyValue(
            to: &writer,
            dropping: dropping.isEmpty ? nil : KeyNames(dropping),
            replacing: replacing.map { (KeyNames([$0.key]), $0.key, $0.value) }
        )
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
        var hasher = DigestHasher()
        try parser.digestValue(into: &hasher, ignoring: ignoring.isEmpty ? nil : KeyNames(ignoring))
        return JSONDigest(hasher)
    }

    /// Reads `bytes` as `objectMembers(_:options:)` does, with the same errors at the same
    /// places, and in the same pass takes the `JSONDigest` of the member `key`'s value (the
    /// last one when the key is repeated) when it is an object, leaving out its members named
    /// in `ignoring`. Nil when the document holds another kind of value.
    ///
    /// A fetched dashboard is then read once to compare it, instead of once to check it and
    /// again to digest its model.
    public static func objectMembers(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: JSONReadingOptions = .strict,
        digestingObject key: String,
        ignoring: Set<String> = []
    ) throws(JSONSyntaxError) -> (members: JSONObjectMembers, digest: JSONDigest?)? {
        if let walked = walkObjectMembers(bytes, options: options, digestingObject: key, ignoring: ignoring) {
            return walked
        }
        return try objectMembersStepwise(bytes, options: options, digestingObject: key, ignoring: ignoring)
    }

    /// `objectMembers(_:options:digestingObject:ignoring:)` read with `Parser`'s walks: the
    /// reference the one-loop walk (`JSONWalker`) is checked against, and what reads the
    /// documents that walk leaves alone.
    static func objectMembersStepwise(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: JSONReadingOptions = .strict,
        digestingObject key: String,
        ignoring: Set<String> = []
    ) throws(JSONSyntaxError) -> (members: JSONObjectMembers, digest: JSONDigest?)? {
        var parser = Parser(bytes: bytes, options: options)
        parser.skipWhitespace()
        guard parser.peek == UInt8(ascii: "{") else {
            try parser.skipValue()
            try parser.finishDocument()
            return nil
        }
        let wanted = KeyNames([key])
        let ignored = ignoring.isEmpty ? nil : KeyNames(ignoring)
        let start = parser.index
        var members: [(key: String, value: Range<Int>)] = []
        var digest: JSONDigest?
        try parser.walkObject { parser, name throws(JSONSyntaxError) in
            let valueStart = parser.index
            if parser.key(name, isIn: wanted) {
                if parser.peek == UInt8(ascii: "{") {
                    var hasher = DigestHasher()
                    try parser.digestValue(into: &hasher, ignoring: ignored)
                    digest = JSONDigest(hasher)
                } else {
                    try parser.skipValue()
                    digest = nil
                }
            } else {
                try parser.skipValue()
            }
            members.append((parser.keyString(name), valueStart..<parser.index))
        }
        let result = JSONObjectMembers(range: start..<parser.index, members: members)
        try parser.finishDocument()
        return (result, digest)
    }
}

extension JSONDigest {
    init(_ hasher: DigestHasher) {
        value = Int(truncatingIfNeeded: hasher.finalize())
    }
}

/// The digests of an object's members, from which the object's `JSONDigest` without any of
/// them is made: a file is digested once, whichever members its comparison leaves out.
public struct JSONObjectDigest: Sendable, Hashable {
    /// Each member's key and the digest of the member (key and value together).
    var members: [(key: String, digest: UInt64)]

    /// The `JSONDigest` `JSONReader.digest(_:at:ignoring:)` gives for the object.
    public func digest(ignoring: Set<String> = []) -> JSONDigest {
        var count = 0
        var sum: UInt64 = 0
        for member in members where !ignoring.contains(member.key) {
            count += 1
            sum &+= member.digest
        }
        var hasher = DigestHasher()
        hasher.combineObject(count: count, sum: sum)
        return JSONDigest(hasher)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.members.elementsEqual(rhs.members) { $0.key == $1.key && $0.digest == $1.digest }
    }

    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.digest)
        }
    }
}

/// What `JSONReader.compactObject` reads from a document in one pass.
public struct JSONCompactObject: Sendable {
    /// The members of the document's object, as `JSONReader.objectMembers` gives them.
    public var members: JSONObjectMembers
    /// The object as compact JSON without the members named in `dropping`, as
    /// `JSONReader.compactJSON` writes it; nil when an object of it repeats a key.
    public var compactJSON: [UInt8]?
    /// The digests of the members kept in the copy; nil when the copy is.
    public var digest: JSONObjectDigest?
}

extension JSONReader {
    /// Reads `bytes` as `objectMembers(_:options:)` does, with the same errors at the same
    /// places, and in the same pass copies the object as `compactJSON` would (leaving out the
    /// members named in `dropping`) and digests the members it keeps. Nil when the document
    /// holds another kind of value.
    ///
    /// A dashboard file is then read once, instead of once to check it, again to copy its
    /// model and a third time to digest the copy.
    public static func compactObject(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: JSONReadingOptions = .strict,
        dropping: Set<String> = []
    ) throws(JSONSyntaxError) -> JSONCompactObject? {
        if let walked = walkCompactObject(bytes, options: options, dropping: dropping) { return walked }
        return try compactObjectStepwise(bytes, options: options, dropping: dropping)
    }

    /// `compactObject(_:options:dropping:)` read with `Parser`'s walks: the reference the
    /// one-loop walk (`JSONWalker`) is checked against, and what reads the documents that
    /// walk leaves alone.
    static func compactObjectStepwise(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: JSONReadingOptions = .strict,
        dropping: Set<String> = []
    ) throws(JSONSyntaxError) -> JSONCompactObject? {
        var parser = Parser(bytes: bytes, options: options)
        parser.skipWhitespace()
        guard parser.peek == UInt8(ascii: "{") else {
            try parser.skipValue()
            try parser.finishDocument()
            return nil
        }
        let dropped = KeyNames(dropping)
        let start = parser.index
        var members: [(key: String, value: Range<Int>)] = []
        var digests: [(key: String, digest: UInt64)] = []
        var writer = JSONWriter()
        writer.reserveCapacity(bytes.count)
        writer.appendByte(UInt8(ascii: "{"))
        try parser.walkObject { parser, key throws(JSONSyntaxError) in
            let valueStart = parser.index
            let name = parser.keyString(key)
            let keyHash = parser.keyHash(key)
            parser.pendingMembers.append(PendingMember(key: key, keyHash: keyHash, digest: 0))
            if parser.key(key, isIn: dropped) {
                try parser.skipValue()
            } else {
                if !digests.isEmpty { writer.appendByte(UInt8(ascii: ",")) }
                parser.writeKey(key, to: &writer)
                var entry = DigestHasher(seed: keyHash)
                try parser.copyAndDigestValue(to: &writer, into: &entry)
                digests.append((name, entry.finalize()))
            }
            members.append((name, valueStart..<parser.index))
        }
        writer.appendByte(UInt8(ascii: "}"))
        if parser.hasRepeatedMember(from: 0) { parser.sawRepeatedKey = true }
        parser.pendingMembers.removeAll()
        let object = JSONObjectMembers(range: start..<parser.index, members: members)
        try parser.finishDocument()
        guard !parser.sawRepeatedKey else { return JSONCompactObject(members: object) }
        return JSONCompactObject(
            members: object,
            compactJSON: writer.bytes,
            digest: JSONObjectDigest(members: digests)
        )
    }
}

extension JSONReadingOptions {
    /// For a part of a document whose whole was read already (with its own depth limit).
    static let accepted = JSONReadingOptions(maximumDepth: .max)
}

// MARK: Implementation

/// The kinds of value, fed before each value's own bytes so no two kinds digest alike.
enum DigestTag {
    static let null: UInt64 = 0
    static let bool: UInt64 = 1
    static let integer: UInt64 = 2
    static let double: UInt64 = 3
    static let bigNumber: UInt64 = 4
    static let string: UInt64 = 5
    static let list: UInt64 = 6
    static let listEnd: UInt64 = 7
    static let object: UInt64 = 8
}

/// An object key as written: from its opening quote to just past its closing one, and
/// whether it is plain (ASCII with no escape), so that the bytes between the quotes are its
/// text. Keys are read as bytes; a `String` is made only when a caller needs one.
struct KeyToken {
    var start: Int
    var end: Int
    var isPlain: Bool

    /// The bytes between the quotes.
    var content: Range<Int> { (start + 1)..<(end - 1) }
}

/// A member of an object still open in a walk that builds no tree.
struct PendingMember {
    var key: KeyToken
    /// The hash of the key's text (its NFC bytes), to find a repeated key quickly.
    var keyHash: UInt64
    /// The member's digest (key and value), for `JSONReader.digest`.
    var digest: UInt64
}

/// Key names to match object keys against, as `String`'s `==` matches them: each name's NFC
/// bytes, so a plain key is compared with them byte for byte.
struct KeyNames {
    var names: [[UInt8]]

    init(_ names: some Sequence<String>) {
        self.names = names.map { $0._nfcCodeUnits }
    }

    func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for name in names where name.count == bytes.count {
            let equal = name.withUnsafeBufferPointer { name in
                bytes.isEmpty || bytesEqual(name.baseAddress!, bytes.baseAddress!, count: bytes.count)
            }
            if equal { return true }
        }
        return false
    }
}

extension Parser {
    mutating func finishDocument() throws(JSONSyntaxError) {
        skipWhitespace()
        guard options.allowsTrailingContent || index == bytes.count else {
            throw error("Unexpected \(describeCurrent()) after the JSON value")
        }
    }

    /// Walks the object at `index` as `parseObject` reads it (the same errors); `member` is
    /// called with each key and `index` at its value, and moves past the value. The key is
    /// checked as `parseString` checks it but not made a `String` (`keyString` makes one).
    mutating func walkObject(
        _ member: (inout Parser, KeyToken) throws(JSONSyntaxError) -> Void
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
            let keyStart = index
            let isPlain = skipPlainString()
            if !isPlain { _ = try parseString() }
            let key = KeyToken(start: keyStart, end: index, isPlain: isPlain)
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("Expected ':' after key \"\(keyString(key))\"") }
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

    /// A key's text, as `parseString` reads it.
    func keyString(_ key: KeyToken) -> String {
        if key.isPlain { return String(decoding: UnsafeBufferPointer(rebasing: bytes[key.content]), as: UTF8.self) }
        var reader = Parser(bytes: bytes, options: options)
        reader.index = key.start
        return (try? reader.parseString()) ?? ""
    }

    /// Calls `body` with the key's text as `String`'s `==` compares it: its bytes when plain,
    /// otherwise its NFC bytes.
    func withCanonicalKey<Result>(_ key: KeyToken, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if key.isPlain { return body(UnsafeBufferPointer(rebasing: bytes[key.content])) }
        return keyString(key)._nfcCodeUnits.withUnsafeBufferPointer(body)
    }

    func key(_ key: KeyToken, isIn names: KeyNames) -> Bool {
        withCanonicalKey(key) { names.contains($0) }
    }

    func keyHash(_ key: KeyToken) -> UInt64 {
        withCanonicalKey(key) { text in
            var hasher = DigestHasher()
            hasher.combine(bytes: text)
            return hasher.finalize()
        }
    }

    /// Whether two keys are the same text, as `String`'s `==` has it.
    func sameKey(_ first: KeyToken, _ second: KeyToken) -> Bool {
        if first.isPlain && second.isPlain {
            let count = first.end - first.start
            guard count == second.end - second.start else { return false }
            return bytesEqual(bytes.baseAddress! + first.start, bytes.baseAddress! + second.start, count: count)
        }
        return keyString(first) == keyString(second)
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
            members.append((parser.keyString(key), valueStart..<parser.index))
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
    ///
    /// One scan, eight bytes at a time, finds the closing quote and tests the bytes before it
    /// for ASCII: a dashboard's strings and keys are most of its bytes.
    mutating func skipPlainString() -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let count = bytes.count
        var position = index + 1
        var seen: UInt64 = 0
        while true {
            let byte: UInt8
            if position + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let offset = Self.firstSpecialByte(in: word)
                if offset == 8 {
                    seen |= word
                    position += 8
                    continue
                }
                // The bytes before the special one.
                seen |= offset == 0 ? 0 : word & (UInt64.max >> (64 - 8 * UInt64(offset)))
                position += offset
                byte = base[position]
            } else {
                guard position < count else { return false }
                byte = base[position]
                if byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte >= 0x20 {
                    seen |= UInt64(byte)
                    position += 1
                    continue
                }
            }
            guard byte == UInt8(ascii: "\""), seen & 0x8080_8080_8080_8080 == 0 else { return false }
            index = position + 1
            return true
        }
    }

    /// Writes the value at `index` as `JSONWriter` writes what `parseValue` builds.
    mutating func copyValue(
        to writer: inout JSONWriter,
        dropping: KeyNames?,
        replacing: (key: KeyNames, name: String, value: Value)?
    ) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("Unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            let base = pendingMembers.count
            var first = true
            var replaced = false
            writer.appendByte(UInt8(ascii: "{"))
            try walkObject { parser, key throws(JSONSyntaxError) in
                parser.pendingMembers.append(PendingMember(key: key, keyHash: parser.keyHash(key), digest: 0))
                if let dropping, parser.key(key, isIn: dropping) {
                    try parser.skipValue()
                    return
                }
                if !first { writer.appendByte(UInt8(ascii: ",")) }
                first = false
                // A plain key is written back as it is, as plain strings are below.
                if key.isPlain {
                    writer.writeRaw(UnsafeBufferPointer(rebasing: parser.bytes[key.start..<key.end]))
                } else {
                    writer.writeString(parser.keyString(key))
                }
                writer.appendByte(UInt8(ascii: ":"))
                if let replacing, parser.key(key, isIn: replacing.key) {
                    try parser.skipValue()
                    writer.write(replacing.value)
                    replaced = true
                } else {
                    try parser.copyValue(to: &writer, dropping: nil, replacing: nil)
                }
            }
            if let replacing, !replaced {
                if !first { writer.appendByte(UInt8(ascii: ",")) }
                writer.writeString(replacing.name)
                writer.appendByte(UInt8(ascii: ":"))
                writer.write(replacing.value)
            }
            writer.appendByte(UInt8(ascii: "}"))
            if hasRepeatedMember(from: base) { sawRepeatedKey = true }
            pendingMembers.removeSubrange(base...)
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

    /// Writes a key as `JSONWriter` writes its text: a plain key as it is written.
    func writeKey(_ key: KeyToken, to writer: inout JSONWriter) {
        if key.isPlain {
            writer.writeRaw(UnsafeBufferPointer(rebasing: bytes[key.start..<key.end]))
        } else {
            writer.writeString(keyString(key))
        }
        writer.appendByte(UInt8(ascii: ":"))
    }

    /// Does what `copyValue` and `digestValue` do, in one pass over the value at `index`.
    mutating func copyAndDigestValue(to writer: inout JSONWriter, into hasher: inout DigestHasher)
        throws(JSONSyntaxError)
    {
        guard index < bytes.count else { throw error("Unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            let base = pendingMembers.count
            writer.appendByte(UInt8(ascii: "{"))
            try walkObject { parser, key throws(JSONSyntaxError) in
                if parser.pendingMembers.count > base { writer.appendByte(UInt8(ascii: ",")) }
                parser.writeKey(key, to: &writer)
                let keyHash = parser.keyHash(key)
                var entry = DigestHasher(seed: keyHash)
                try parser.copyAndDigestValue(to: &writer, into: &entry)
                parser.pendingMembers.append(PendingMember(key: key, keyHash: keyHash, digest: entry.finalize()))
            }
            writer.appendByte(UInt8(ascii: "}"))
            if hasRepeatedMember(from: base) { sawRepeatedKey = true }
            let (count, sum) = takeMembers(from: base)
            hasher.combineObject(count: count, sum: sum)
        case UInt8(ascii: "["):
            hasher.combine(DigestTag.list)
            var count = 0
            writer.appendByte(UInt8(ascii: "["))
            try walkArray { parser throws(JSONSyntaxError) in
                if count > 0 { writer.appendByte(UInt8(ascii: ",")) }
                count += 1
                try parser.copyAndDigestValue(to: &writer, into: &hasher)
            }
            writer.appendByte(UInt8(ascii: "]"))
            hasher.combine(DigestTag.listEnd)
            hasher.combine(count)
        case UInt8(ascii: "\""):
            let start = index
            if skipPlainString() {
                writer.writeRaw(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                hasher.combine(DigestTag.string)
                hasher.combine(bytes: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(index - 1)]))
            } else {
                let text = try parseString()
                writer.writeString(text)
                hasher.combine(DigestTag.string)
                hasher.combine(text: text)
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let number = try parseNumber()
            writer.write(number)
            hasher.combine(number: number)
        default:
            // true, false, null: nothing to gain from doing both at once.
            let start = index
            try digestValue(into: &hasher, ignoring: nil)
            index = start
            try copyValue(to: &writer, dropping: nil, replacing: nil)
        }
    }

    /// Feeds the value at `index` into `hasher` in a form that depends only on what
    /// `JSONDigest` compares. An object's members are digested one by one and added up, so
    /// their order does not count. Plain strings and keys are hashed from the document's
    /// bytes; only text with an escape or beyond ASCII is decoded first.
    mutating func digestValue(into hasher: inout DigestHasher, ignoring: KeyNames?) throws(JSONSyntaxError) {
        guard index < bytes.count else { throw error("Unexpected end of input, expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            let base = pendingMembers.count
            try walkObject { parser, key throws(JSONSyntaxError) in
                if let ignoring, parser.key(key, isIn: ignoring) {
                    try parser.skipValue()
                    return
                }
                let keyHash = parser.keyHash(key)
                var entry = DigestHasher(seed: keyHash)
                try parser.digestValue(into: &entry, ignoring: nil)
                parser.pendingMembers.append(PendingMember(key: key, keyHash: keyHash, digest: entry.finalize()))
            }
            let (count, sum) = takeMembers(from: base)
            hasher.combineObject(count: count, sum: sum)
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
            let start = index
            if skipPlainString() {
                hasher.combine(bytes: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(index - 1)]))
            } else {
                hasher.combine(text: try parseString())
            }
        case UInt8(ascii: "t"):
            try expectWord("true")
            hasher.combine(DigestTag.bool)
            hasher.combine(1 as UInt64)
        case UInt8(ascii: "f"):
            try expectWord("false")
            hasher.combine(DigestTag.bool)
            hasher.combine(0 as UInt64)
        case UInt8(ascii: "n"):
            try expectWord("null")
            hasher.combine(DigestTag.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            hasher.combine(number: try parseNumber())
        default:
            throw error("Unexpected \(describeCurrent()), expected a value")
        }
    }

    /// The number of distinct keys since `base` and the sum of their members' digests (the
    /// last member of a repeated key counting), taken off the pending stack.
    mutating func takeMembers(from base: Int) -> (count: Int, sum: UInt64) {
        defer { pendingMembers.removeSubrange(base...) }
        guard hasRepeatedMember(from: base) else {
            var sum: UInt64 = 0
            for member in pendingMembers[base...] { sum &+= member.digest }
            return (pendingMembers.count - base, sum)
        }
        var count = 0
        var sum: UInt64 = 0
        for position in base..<pendingMembers.count {
            let member = pendingMembers[position]
            let isLast = !pendingMembers[(position + 1)...].contains {
                $0.keyHash == member.keyHash && sameKey($0.key, member.key)
            }
            if isLast {
                count += 1
                sum &+= member.digest
            }
        }
        return (count, sum)
    }

    /// Whether a key of the members since `base` is repeated: their key hashes are compared,
    /// and the text of keys whose hashes agree.
    func hasRepeatedMember(from base: Int) -> Bool {
        let count = pendingMembers.count - base
        // One bit per key, chosen by its hash: while no two keys share a bit, no key repeats,
        // which settles most objects in one look at each key.
        var bits: UInt64 = 0
        var shared = false
        for position in base..<pendingMembers.count {
            let bit: UInt64 = 1 << (pendingMembers[position].keyHash >> 58)
            if bits & bit != 0 {
                shared = true
                break
            }
            bits |= bit
        }
        if !shared { return false }
        if count <= Self.uniquenessScanLimit {
            var later = base + 1
            while later < pendingMembers.count {
                let member = pendingMembers[later]
                for earlier in base..<later where pendingMembers[earlier].keyHash == member.keyHash {
                    if sameKey(pendingMembers[earlier].key, member.key) { return true }
                }
                later += 1
            }
            return false
        }
        var seen: [UInt64: Int] = Dictionary(minimumCapacity: count)
        for position in base..<pendingMembers.count {
            let member = pendingMembers[position]
            if let earlier = seen.updateValue(position, forKey: member.keyHash),
                sameKey(pendingMembers[earlier].key, member.key)
            {
                return true
            }
        }
        return false
    }
}

extension DigestHasher {
    /// An object: its number of distinct keys and the sum of its members' digests.
    mutating func combineObject(count: Int, sum: UInt64) {
        combine(DigestTag.object)
        combine(count)
        combine(sum)
    }

    /// A number by value: a whole double below 1e15 as the integer it equals.
    mutating func combine(number: Value) {
        switch number {
        case .int(let number):
            combine(DigestTag.integer)
            combine(number)
        case .double(let number) where number == number.rounded() && abs(number) < 1e15:
            combine(DigestTag.integer)
            combine(Int(number))
        case .double(let number):
            combine(DigestTag.double)
            combine(number.bitPattern)
        case .bigNumber(let text):
            combine(DigestTag.bigNumber)
            combine(text: text)
        default:
            break
        }
    }
}
