// MARK: Overview

/// The one-pass reads of `JSONReader+Streaming.swift` (`compactObject`, and
/// `objectMembers(_:digestingObject:ignoring:)`) done in one loop over the document's bytes:
/// an explicit stack of open objects and arrays instead of a closure per member and element,
/// strings scanned eight bytes at a time, and the compact copy made of whole runs of the
/// document's bytes (a compact document is copied in a few `memcpy`s) into one buffer.
///
/// It takes on only what it can do as fast and the same: anything else (a syntax error, a
/// repeated key, text beyond ASCII in a key, a document that is not an object) makes it give
/// up with `WalkerGaveUp`, and the caller reads the document again with `Parser`, which gives
/// the result or the error (at its place) the reads have always given. Non-ASCII strings and
/// numbers other than short integers are handed to `Parser` one by one, within the walk.
///
/// The digests are the same, bit for bit, as `Parser.digestValue` and
/// `Parser.copyAndDigestValue` make, so a file walked here and an answer digested by
/// `Parser` (or the other way round) compare as before.
struct WalkerGaveUp: Error {}

extension JSONReader {
    /// `compactObject(_:options:dropping:)` in one loop; nil when it gives up.
    static func walkCompactObject(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: JSONReadingOptions,
        dropping: Set<String>
    ) -> JSONCompactObject? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        var walker = JSONWalker(base: base, count: bytes.count, options: options, copies: true)
        defer { walker.deallocate() }
        return try? walker.compactObject(dropping: dropping.isEmpty ? nil : KeyNames(dropping))
    }

    /// `objectMembers(_:options:digestingObject:ignoring:)` in one loop; nil when it gives up.
    static func walkObjectMembers(
        _ bytes: UnsafeBufferPointer<UInt8>,
        options: JSONReadingOptions,
        digestingObject key: String,
        ignoring: Set<String>
    ) -> (members: JSONObjectMembers, digest: JSONDigest?)? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        var walker = JSONWalker(base: base, count: bytes.count, options: options, copies: false)
        defer { walker.deallocate() }
        return try? walker.objectMembers(
            digesting: KeyNames([key]),
            ignoring: ignoring.isEmpty ? nil : KeyNames(ignoring)
        )
    }
}

// MARK: Implementation

/// What a scan of a string found in it.
private enum StringShape {
    /// ASCII with no escape: the bytes between the quotes are its text, and `JSONWriter`
    /// writes them back as they are.
    case plain
    /// ASCII whose escapes are all ones `JSONWriter` writes the same way (`\"`, `\\`, `\n`,
    /// `\r`, `\t`, `\b`, `\f`): written back as it is, decoded to be hashed.
    case canonicalEscapes
    /// ASCII text with `\/` or `\u00XX`: decoded, and written again with `JSONWriter`'s escapes.
    case otherEscapes
    /// Bytes beyond ASCII, or an escape of such a character: left to `Parser.parseString`.
    case beyondASCII
}

/// What a walk does with the values it reads, fixed at compile time so that each kind of
/// walk is specialised with no test of it per byte.
private protocol WalkMode {
    static var hashing: Bool { get }
    static var copying: Bool { get }
}

private enum Skipping: WalkMode {
    static var hashing: Bool { false }
    static var copying: Bool { false }
}

private enum Digesting: WalkMode {
    static var hashing: Bool { true }
    static var copying: Bool { false }
}

private enum CopyingAndDigesting: WalkMode {
    static var hashing: Bool { true }
    static var copying: Bool { true }
}

/// An object or array still open in the walk.
private struct OpenValue {
    var isObject: Bool
    /// Members or elements so far.
    var count: Int
    /// The sum of the members' digests, for an object.
    var sum: UInt64
    /// The hasher the object's own digest goes into when it closes.
    var outerState: UInt64
    /// Where the object's key hashes start on `keyHashes`.
    var keyBase: Int
    /// One bit per key, chosen by its hash: a repeated key can only set a bit already set.
    var keyBits: UInt64
}

private struct JSONWalker {
    let base: UnsafePointer<UInt8>
    let count: Int
    let options: JSONReadingOptions
    var index = 0
    var depth = 0

    /// The compact copy, written in runs: the document's bytes from `runStart` to `index`
    /// are still to be appended, unchanged. It is handed over as it is, never copied: a
    /// large document is not held three times.
    var output: [UInt8] = []
    var runStart = 0

    var stack: UnsafeMutablePointer<OpenValue>
    var stackCount = 0
    var stackCapacity = 32
    /// The key hashes of the objects still open, innermost last.
    var keyHashes: UnsafeMutablePointer<UInt64>
    var keyCount = 0
    var keyCapacity = 256
    /// Decoded text of strings with escapes, as large as the longest such string so far.
    var scratch: UnsafeMutablePointer<UInt8>?
    var scratchCapacity = 0

    init(base: UnsafePointer<UInt8>, count: Int, options: JSONReadingOptions, copies: Bool) {
        self.base = base
        self.count = count
        self.options = options
        if copies { output.reserveCapacity(count + 16) }
        stack = .allocate(capacity: stackCapacity)
        keyHashes = .allocate(capacity: keyCapacity)
    }

    /// Frees the walker's buffers; it is not used afterwards.
    func deallocate() {
        stack.deallocate()
        keyHashes.deallocate()
        scratch?.deallocate()
    }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    // MARK: The documents

    mutating func compactObject(dropping: KeyNames?) throws(WalkerGaveUp) -> JSONCompactObject {
        skipWhitespace(copying: false)
        guard index < count, base[index] == UInt8(ascii: "{") else { throw WalkerGaveUp() }
        try enterNesting()
        let start = index
        index += 1
        append(UInt8(ascii: "{"))
        var members: [(key: String, value: Range<Int>)] = []
        var digests: [(key: String, digest: UInt64)] = []
        members.reserveCapacity(16)
        digests.reserveCapacity(16)
        var keyBits: UInt64 = 0
        skipWhitespace(copying: false)
        if index < count, base[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                let keyStart = index
                let shape = try key()
                let keyEnd = index
                let name = keyString(keyStart, keyEnd, shape)
                // Every member counts for a repeated key, the dropped ones too.
                let keyHash = keyHash(keyStart, keyEnd, shape)
                try noteKey(keyHash, bits: &keyBits, from: 0)
                try colon()
                let valueStart = index
                if let dropping, isKey(keyStart, keyEnd, shape, in: dropping) {
                    try skipValue()
                } else {
                    if !digests.isEmpty { append(UInt8(ascii: ",")) }
                    writeKey(keyStart, keyEnd, shape)
                    append(UInt8(ascii: ":"))
                    runStart = index
                    var hasher = DigestHasher(seed: keyHash)
                    try copyAndDigestValue(into: &hasher)
                    flushRun()
                    digests.append((name, hasher.finalize()))
                }
                members.append((name, valueStart..<index))
                if try closesObject() { break }
            }
        }
        depth -= 1
        append(UInt8(ascii: "}"))
        let range = start..<index
        try finishDocument()
        let copy = output
        output = []
        return JSONCompactObject(
            members: JSONObjectMembers(range: range, members: members),
            compactJSON: copy,
            digest: JSONObjectDigest(members: digests)
        )
    }

    mutating func objectMembers(
        digesting wanted: KeyNames,
        ignoring: KeyNames?
    ) throws(WalkerGaveUp) -> (members: JSONObjectMembers, digest: JSONDigest?) {
        skipWhitespace(copying: false)
        guard index < count, base[index] == UInt8(ascii: "{") else { throw WalkerGaveUp() }
        try enterNesting()
        let start = index
        index += 1
        var members: [(key: String, value: Range<Int>)] = []
        members.reserveCapacity(4)
        var digest: JSONDigest?
        var found = false
        skipWhitespace(copying: false)
        if index < count, base[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                let keyStart = index
                let shape = try key()
                let keyEnd = index
                try colon()
                let valueStart = index
                if isKey(keyStart, keyEnd, shape, in: wanted) {
                    // The last one counts; `Parser` knows which that is.
                    if found { throw WalkerGaveUp() }
                    found = true
                    if index < count, base[index] == UInt8(ascii: "{") {
                        digest = try digestObject(ignoring: ignoring)
                    } else {
                        try skipValue()
                    }
                } else {
                    try skipValue()
                }
                members.append((keyString(keyStart, keyEnd, shape), valueStart..<index))
                if try closesObject() { break }
            }
        }
        depth -= 1
        let range = start..<index
        try finishDocument()
        return (JSONObjectMembers(range: range, members: members), digest)
    }

    /// The digest of the object at `index` without its members named in `ignoring`, as
    /// `Parser.digestValue(into:ignoring:)` makes it.
    mutating func digestObject(ignoring: KeyNames?) throws(WalkerGaveUp) -> JSONDigest {
        try enterNesting()
        index += 1
        var count = 0
        var sum: UInt64 = 0
        var keyBits: UInt64 = 0
        let keyBase = keyCount
        skipWhitespace(copying: false)
        if index < self.count, base[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                let keyStart = index
                let shape = try key()
                let keyEnd = index
                try colon()
                if let ignoring, isKey(keyStart, keyEnd, shape, in: ignoring) {
                    try skipValue()
                } else {
                    let keyHash = keyHash(keyStart, keyEnd, shape)
                    try noteKey(keyHash, bits: &keyBits, from: keyBase)
                    var hasher = DigestHasher(seed: keyHash)
                    try digestValue(into: &hasher)
                    count += 1
                    sum &+= hasher.finalize()
                }
                if try closesObject() { break }
            }
        }
        depth -= 1
        keyCount = keyBase
        var hasher = DigestHasher()
        hasher.combineObject(count: count, sum: sum)
        return JSONDigest(hasher)
    }

    mutating func finishDocument() throws(WalkerGaveUp) {
        skipWhitespace(copying: false)
        guard options.allowsTrailingContent || index == count else { throw WalkerGaveUp() }
    }

    // MARK: Values

    @inline(never)
    mutating func skipValue() throws(WalkerGaveUp) {
        var unused = DigestHasher()
        try walkValue(Skipping.self, into: &unused)
    }

    @inline(never)
    mutating func digestValue(into hasher: inout DigestHasher) throws(WalkerGaveUp) {
        try walkValue(Digesting.self, into: &hasher)
    }

    @inline(never)
    mutating func copyAndDigestValue(into hasher: inout DigestHasher) throws(WalkerGaveUp) {
        try walkValue(CopyingAndDigesting.self, into: &hasher)
    }

    /// Walks one value at `index` (whitespace before it skipped) and everything inside it,
    /// checking it as `Parser.parseValue` does, feeding it into `hasher` as
    /// `Parser.digestValue` does and copying it as `Parser.copyValue` does, as `Mode` asks.
    ///
    /// The position, depth and stack live in locals while the loop runs (they are written
    /// back before any call that reads them): most tokens of a dashboard (plain keys and
    /// strings, short integers, literals, brackets) are read here without a call.
    @inline(__always)
    mutating func walkValue<Mode: WalkMode>(_ mode: Mode.Type, into outer: inout DigestHasher) throws(WalkerGaveUp) {
        let base = self.base
        let count = self.count
        let stackBase = stackCount
        var index = self.index
        var hasher = outer
        var expectsKey = false

        /// Moves `index` past whitespace (rare in files written by tools, so out of line).
        @inline(__always)
        func skipWhitespace(_ walker: inout JSONWalker) {
            if index < count && base[index] <= 0x20 { index = walker.whitespace(at: index, copying: Mode.copying) }
        }

        value: while true {
            if expectsKey {
                expectsKey = false
                guard index < count, base[index] == UInt8(ascii: "\"") else { throw WalkerGaveUp() }
                let keyStart = index
                let keyHash: UInt64
                if let end = Self.plainStringEnd(base, count, from: index) {
                    index = end
                    var keyHasher = DigestHasher()
                    if Mode.hashing || Mode.copying {
                        Self.combine(&keyHasher, base, count, keyStart + 1, end - keyStart - 2)
                    }
                    keyHash = keyHasher.finalize()
                } else {
                    self.index = index
                    keyHash = try otherKey(Mode.self)
                    index = self.index
                }
                if Mode.hashing || Mode.copying {
                    let top = stack + (stackCount - 1)
                    let bit: UInt64 = 1 << (keyHash >> 58)
                    if top.pointee.keyBits & bit != 0 { try checkRepeatedKey(keyHash, from: top.pointee.keyBase) }
                    top.pointee.keyBits |= bit
                    if keyCount == keyCapacity { growKeys() }
                    keyHashes[keyCount] = keyHash
                    keyCount += 1
                    hasher = DigestHasher(seed: keyHash)
                }
                skipWhitespace(&self)
                guard index < count, base[index] == UInt8(ascii: ":") else { throw WalkerGaveUp() }
                index += 1
                skipWhitespace(&self)
            }
            guard index < count else { throw WalkerGaveUp() }
            switch base[index] {
            case UInt8(ascii: "\""):
                if let end = Self.plainStringEnd(base, count, from: index) {
                    if Mode.hashing {
                        hasher.combine(DigestTag.string)
                        Self.combine(&hasher, base, count, index + 1, end - index - 2)
                    }
                    index = end
                } else {
                    self.index = index
                    try stringValue(Mode.self, into: &hasher)
                    index = self.index
                }
            case UInt8(ascii: "{"):
                depth += 1
                if depth > options.maximumDepth { throw WalkerGaveUp() }
                index += 1
                skipWhitespace(&self)
                if index < count, base[index] == UInt8(ascii: "}") {
                    index += 1
                    depth -= 1
                    if Mode.hashing { hasher.combineObject(count: 0, sum: 0) }
                } else {
                    push(
                        OpenValue(
                            isObject: true,
                            count: 0,
                            sum: 0,
                            outerState: hasher.state,
                            keyBase: keyCount,
                            keyBits: 0
                        )
                    )
                    expectsKey = true
                    continue value
                }
            case UInt8(ascii: "["):
                depth += 1
                if depth > options.maximumDepth { throw WalkerGaveUp() }
                index += 1
                if Mode.hashing { hasher.combine(DigestTag.list) }
                skipWhitespace(&self)
                if index < count, base[index] == UInt8(ascii: "]") {
                    index += 1
                    depth -= 1
                    if Mode.hashing {
                        hasher.combine(DigestTag.listEnd)
                        hasher.combine(0)
                    }
                } else {
                    push(OpenValue(isObject: false, count: 0, sum: 0, outerState: 0, keyBase: 0, keyBits: 0))
                    continue value
                }
            case UInt8(ascii: "t"):
                // "true", "false" and "null" as little-endian words.
                guard Self.hasLiteral(base, count, at: index, 0x6575_7274, length: 4) else { throw WalkerGaveUp() }
                index += 4
                if Mode.hashing {
                    hasher.combine(DigestTag.bool)
                    hasher.combine(1 as UInt64)
                }
            case UInt8(ascii: "f"):
                guard Self.hasLiteral(base, count, at: index, 0x65_736C_6166, length: 5) else { throw WalkerGaveUp() }
                index += 5
                if Mode.hashing {
                    hasher.combine(DigestTag.bool)
                    hasher.combine(0 as UInt64)
                }
            case UInt8(ascii: "n"):
                guard Self.hasLiteral(base, count, at: index, 0x6C6C_756E, length: 4) else { throw WalkerGaveUp() }
                index += 4
                if Mode.hashing { hasher.combine(DigestTag.null) }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                // A non-negative integer of up to 18 digits, with no leading zero, is read
                // here; everything else by `number`.
                var position = index
                var magnitude = 0
                while position < count {
                    let digit = base[position] &- UInt8(ascii: "0")
                    guard digit < 10 else { break }
                    magnitude = magnitude &* 10 &+ Int(digit)
                    position += 1
                }
                let digits = position - index
                if digits <= 18 && (digits == 1 || base[index] != UInt8(ascii: "0"))
                    && (position == count
                        || (base[position] != UInt8(ascii: ".") && base[position] | 0x20 != UInt8(ascii: "e")))
                {
                    index = position
                    if Mode.hashing {
                        hasher.combine(DigestTag.integer)
                        hasher.combine(magnitude)
                    }
                } else {
                    self.index = index
                    try number(Mode.self, into: &hasher)
                    index = self.index
                }
            case UInt8(ascii: "-"):
                self.index = index
                try number(Mode.self, into: &hasher)
                index = self.index
            default:
                throw WalkerGaveUp()
            }
            // A value is done: close what it completes, then go on to the next one.
            while true {
                guard stackCount > stackBase else {
                    self.index = index
                    outer = hasher
                    return
                }
                skipWhitespace(&self)
                guard index < count else { throw WalkerGaveUp() }
                let byte = base[index]
                let top = stack + (stackCount - 1)
                if top.pointee.isObject {
                    if Mode.hashing {
                        top.pointee.sum &+= hasher.finalize()
                        top.pointee.count += 1
                    }
                    if byte == UInt8(ascii: ",") {
                        index += 1
                        skipWhitespace(&self)
                        expectsKey = true
                        continue value
                    }
                    guard byte == UInt8(ascii: "}") else { throw WalkerGaveUp() }
                    index += 1
                    depth -= 1
                    hasher = DigestHasher(seed: top.pointee.outerState)
                    if Mode.hashing { hasher.combineObject(count: top.pointee.count, sum: top.pointee.sum) }
                    keyCount = top.pointee.keyBase
                    stackCount -= 1
                } else {
                    top.pointee.count += 1
                    if byte == UInt8(ascii: ",") {
                        index += 1
                        skipWhitespace(&self)
                        continue value
                    }
                    guard byte == UInt8(ascii: "]") else { throw WalkerGaveUp() }
                    index += 1
                    depth -= 1
                    if Mode.hashing {
                        hasher.combine(DigestTag.listEnd)
                        hasher.combine(top.pointee.count)
                    }
                    stackCount -= 1
                }
            }
        }
    }

    /// Where the string at `from` (its opening quote) ends, just past its closing quote, if
    /// it is plain: ASCII with no escape and no control byte. Nil for any other string.
    @inline(__always)
    static func plainStringEnd(_ base: UnsafePointer<UInt8>, _ count: Int, from start: Int) -> Int? {
        var position = start &+ 1
        while position &+ 8 <= count {
            let special = specialBytes(UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            if special != 0 {
                position &+= special.trailingZeroBitCount >> 3
                return base[position] == UInt8(ascii: "\"") ? position &+ 1 : nil
            }
            position &+= 8
        }
        while position < count, !isSpecial(base[position]) { position &+= 1 }
        return position < count && base[position] == UInt8(ascii: "\"") ? position &+ 1 : nil
    }

    @inline(__always)
    static func hasLiteral(_ base: UnsafePointer<UInt8>, _ count: Int, at index: Int, _ word: UInt64, length: Int)
        -> Bool
    {
        guard index &+ length <= count else { return false }
        var found: UInt64 = 0
        if index &+ 8 <= count {
            found = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & (UInt64.max >> (64 &- 8 &* length))
        } else {
            for offset in 0..<length { found |= UInt64(base[index &+ offset]) << (8 &* offset) }
        }
        return found == word
    }

    /// A key other than plain ASCII at `index`, in the innermost open object: moved past,
    /// and its hash returned; in a copy, written as `Parser.writeKey` writes it.
    @inline(never)
    mutating func otherKey<Mode: WalkMode>(_ mode: Mode.Type) throws(WalkerGaveUp) -> UInt64 {
        let keyStart = index
        let shape = try key()
        let keyEnd = index
        guard Mode.hashing || Mode.copying else { return 0 }
        if Mode.copying && shape != .plain && shape != .canonicalEscapes {
            flushRun(upTo: keyStart)
            writeKey(keyStart, keyEnd, shape)
            runStart = keyEnd
        }
        return keyHash(keyStart, keyEnd, shape)
    }

    /// A key hash met before in the same object (a repeated key, or two keys sharing a
    /// 64-bit hash) is left to `Parser`, which compares the keys' text.
    @inline(never)
    func checkRepeatedKey(_ hash: UInt64, from keyBase: Int) throws(WalkerGaveUp) {
        var position = keyBase
        while position < keyCount {
            if keyHashes[position] == hash { throw WalkerGaveUp() }
            position += 1
        }
    }

    @inline(never)
    mutating func growKeys() {
        let larger = UnsafeMutablePointer<UInt64>.allocate(capacity: keyCapacity * 2)
        larger.moveInitialize(from: keyHashes, count: keyCount)
        keyHashes.deallocate()
        keyHashes = larger
        keyCapacity *= 2
    }

    /// Moves past the whitespace at `index`; in a copy, the bytes before it are appended and
    /// the run starts again after it.
    @inline(never)
    mutating func whitespace(at start: Int, copying: Bool) -> Int {
        var end = start
        while end < count, Self.isWhitespace(base[end]) { end += 1 }
        if copying && end > start {
            flushRun(upTo: start)
            runStart = end
        }
        return end
    }
    mutating func push(_ value: OpenValue) {
        if stackCount == stackCapacity {
            let larger = UnsafeMutablePointer<OpenValue>.allocate(capacity: stackCapacity * 2)
            larger.moveInitialize(from: stack, count: stackCount)
            stack.deallocate()
            stack = larger
            stackCapacity *= 2
        }
        (stack + stackCount).initialize(to: value)
        stackCount += 1
    }

    /// Records a key of the object whose keys start at `keyBase`; a key hash met before in
    /// the same object (a repeated key, or two keys sharing a 64-bit hash) is left to
    /// `Parser`, which compares the keys' text.
    @inline(__always)
    mutating func noteKey(_ hash: UInt64, bits: inout UInt64, from keyBase: Int) throws(WalkerGaveUp) {
        let bit: UInt64 = 1 << (hash >> 58)
        if bits & bit != 0 {
            var position = keyBase
            while position < keyCount {
                if keyHashes[position] == hash { throw WalkerGaveUp() }
                position += 1
            }
        }
        bits |= bit
        if keyCount == keyCapacity {
            let larger = UnsafeMutablePointer<UInt64>.allocate(capacity: keyCapacity * 2)
            larger.moveInitialize(from: keyHashes, count: keyCount)
            keyHashes.deallocate()
            keyHashes = larger
            keyCapacity *= 2
        }
        keyHashes[keyCount] = hash
        keyCount += 1
    }

    mutating func enterNesting() throws(WalkerGaveUp) {
        depth += 1
        if depth > options.maximumDepth { throw WalkerGaveUp() }
    }

    /// Moves past a member's key (at `index`, after whitespace), returning its shape.
    @inline(__always)
    mutating func key() throws(WalkerGaveUp) -> StringShape {
        guard index < count, base[index] == UInt8(ascii: "\"") else { throw WalkerGaveUp() }
        let shape = try scanString()
        if shape == .beyondASCII { try skipStringWithParser() }
        return shape
    }

    mutating func colon() throws(WalkerGaveUp) {
        skipWhitespace(copying: false)
        guard index < count, base[index] == UInt8(ascii: ":") else { throw WalkerGaveUp() }
        index += 1
        skipWhitespace(copying: false)
    }

    /// After an outermost member's value: true at the object's `}` (moved past), false after
    /// a `,` (and the whitespace after it).
    mutating func closesObject() throws(WalkerGaveUp) -> Bool {
        skipWhitespace(copying: false)
        guard index < count else { throw WalkerGaveUp() }
        if base[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        guard base[index] == UInt8(ascii: ",") else { throw WalkerGaveUp() }
        index += 1
        skipWhitespace(copying: false)
        return false
    }

    // MARK: Strings

    /// Scans the string at `index` (its opening quote). For ASCII text it moves past the
    /// closing quote; for `.beyondASCII` it leaves `index` where it was. Anything malformed
    /// gives up.
    @inline(__always)
    mutating func scanString() throws(WalkerGaveUp) -> StringShape {
        var position = index + 1
        var shape = StringShape.plain
        while true {
            // Eight bytes at a time up to the first quote, backslash, control byte or byte
            // beyond ASCII.
            while position + 8 <= count {
                let special = Self.specialBytes(UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                if special != 0 {
                    position += special.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            if position + 8 > count {
                while position < count, !Self.isSpecial(base[position]) { position += 1 }
                guard position < count else { throw WalkerGaveUp() }
            }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                return shape
            }
            if byte >= 0x80 { return .beyondASCII }
            guard byte == UInt8(ascii: "\\"), position + 1 < count else { throw WalkerGaveUp() }
            switch base[position + 1] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"),
                UInt8(ascii: "b"), UInt8(ascii: "f"):
                if shape == .plain { shape = .canonicalEscapes }
                position += 2
            case UInt8(ascii: "/"):
                shape = .otherEscapes
                position += 2
            case UInt8(ascii: "u"):
                guard let code = hex4(at: position + 2) else { throw WalkerGaveUp() }
                if code >= 0x80 { return .beyondASCII }
                shape = .otherEscapes
                position += 6
            default:
                throw WalkerGaveUp()
            }
        }
    }

    /// A high bit set in each byte of `word` that is a quote, a backslash, a control byte or
    /// beyond ASCII; the lowest one marks the first such byte exactly (a borrow can only mark
    /// bytes above one).
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ 0x2222_2222_2222_2222
        let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
        let quotes = (quote &- ones) & ~quote
        let backslashes = (backslash &- ones) & ~backslash
        return (quotes | backslashes | (word &- 0x2020_2020_2020_2020) | word) & 0x8080_8080_8080_8080
    }

    @inline(__always)
    static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80
    }

    func hex4(at position: Int) -> UInt32? {
        guard position + 4 <= count else { return nil }
        var code: UInt32 = 0
        for offset in 0..<4 {
            let byte = base[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            code = code << 4 | UInt32(digit)
        }
        return code
    }

    /// Moves past a string beyond ASCII, checked by `Parser.parseString`.
    mutating func skipStringWithParser() throws(WalkerGaveUp) {
        _ = try parseStringWithParser()
    }

    mutating func parseStringWithParser() throws(WalkerGaveUp) -> String {
        var parser = Parser(bytes: bytes, options: options)
        parser.index = index
        do {
            let text = try parser.parseString()
            index = parser.index
            return text
        } catch {
            throw WalkerGaveUp()
        }
    }

    /// A string value other than plain ASCII.
    @inline(never)
    mutating func stringValue<Mode: WalkMode>(_ mode: Mode.Type, into hasher: inout DigestHasher)
        throws(WalkerGaveUp)
    {
        let hashing = Mode.hashing
        let copying = Mode.copying
        let start = index
        switch try scanString() {
        case .plain:
            if hashing {
                hasher.combine(DigestTag.string)
                Self.combine(&hasher, base, count, start + 1, index - start - 2)
            }
        case .canonicalEscapes:
            if hashing {
                hasher.combine(DigestTag.string)
                hasher.combine(bytes: decodeEscapes(start + 1, index - 1))
            }
        case .otherEscapes:
            let text = decodeEscapes(start + 1, index - 1)
            if hashing {
                hasher.combine(DigestTag.string)
                hasher.combine(bytes: text)
            }
            if copying {
                flushRun(upTo: start)
                writeEscaped(text)
                runStart = index
            }
        case .beyondASCII:
            let text = try parseStringWithParser()
            if hashing {
                hasher.combine(DigestTag.string)
                hasher.combine(text: text)
            }
            if copying {
                flushRun(upTo: start)
                var writer = JSONWriter()
                writer.writeString(text)
                append(writer.bytes)
                runStart = index
            }
        }
    }

    /// `DigestHasher.combine(bytes:)` for `length` bytes of the document at `start`: the
    /// last, partial word is loaded whole (from the document's bytes after it, or ending at
    /// its end) and masked, instead of gathered byte by byte.
    @inline(__always)
    static func combine(
        _ hasher: inout DigestHasher,
        _ base: UnsafePointer<UInt8>,
        _ count: Int,
        _ start: Int,
        _ length: Int
    ) {
        hasher.combine(UInt64(length))
        var position = start
        let end = start + length
        while position + 8 <= end {
            hasher.combine(UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            position += 8
        }
        let rest = end - position
        guard rest > 0 else { return }
        let tail: UInt64
        if position + 8 <= count {
            tail = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self) & (UInt64.max >> (64 - 8 * rest))
        } else if length >= 8 {
            tail = UnsafeRawPointer(base + end - 8).loadUnaligned(as: UInt64.self) >> (64 - 8 * rest)
        } else {
            var gathered: UInt64 = 0
            for offset in 0..<rest { gathered |= UInt64(base[position + offset]) << (8 * offset) }
            tail = gathered
        }
        hasher.combine(tail)
    }

    /// The text of the ASCII string between `start` and `end` (its quotes excluded), its
    /// escapes decoded, in `scratch`.
    mutating func decodeEscapes(_ start: Int, _ end: Int) -> UnsafeBufferPointer<UInt8> {
        if end - start > scratchCapacity {
            self.scratch?.deallocate()
            scratchCapacity = max(end - start, 2 * scratchCapacity, 64)
            self.scratch = .allocate(capacity: scratchCapacity)
        }
        let scratch = self.scratch!
        var position = start
        var written = 0
        while position < end {
            // Eight bytes at a time up to the next backslash (a word may be stored past the
            // text's end: `scratch` holds as many bytes as the text's source, more than it needs).
            if position + 8 <= end {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let found = (backslash &- 0x0101_0101_0101_0101) & ~backslash & 0x8080_8080_8080_8080
                if found == 0 {
                    UnsafeMutableRawPointer(scratch + written).storeBytes(of: word, as: UInt64.self)
                    written += 8
                    position += 8
                    continue
                }
            }
            let byte = base[position]
            guard byte == UInt8(ascii: "\\") else {
                scratch[written] = byte
                written += 1
                position += 1
                continue
            }
            let escape = base[position + 1]
            position += 2
            let decoded: UInt8
            switch escape {
            case UInt8(ascii: "b"): decoded = 0x08
            case UInt8(ascii: "f"): decoded = 0x0C
            case UInt8(ascii: "n"): decoded = 0x0A
            case UInt8(ascii: "r"): decoded = 0x0D
            case UInt8(ascii: "t"): decoded = 0x09
            case UInt8(ascii: "u"):
                // Checked by `scanString` as four hex digits below 0x80.
                decoded = UInt8(hex4(at: position) ?? 0)
                position += 4
            default: decoded = escape
            }
            scratch[written] = decoded
            written += 1
        }
        return UnsafeBufferPointer(start: scratch, count: written)
    }

    /// ASCII text as `JSONWriter.writeString` writes it (compact, not Go's escaping).
    mutating func writeEscaped(_ text: UnsafeBufferPointer<UInt8>) {
        var writer = JSONWriter()
        writer.writeString(String(decoding: text, as: UTF8.self))
        append(writer.bytes)
    }

    // MARK: Keys

    /// A key's text as `Parser.keyString` makes it.
    func keyString(_ start: Int, _ end: Int, _ shape: StringShape) -> String {
        if shape == .plain {
            return String(decoding: UnsafeBufferPointer(start: base + start + 1, count: end - start - 2), as: UTF8.self)
        }
        let parser = Parser(bytes: bytes, options: options)
        return parser.keyString(KeyToken(start: start, end: end, isPlain: false))
    }

    /// Calls `body` with the key's text as `String`'s `==` compares it (its NFC bytes).
    @inline(__always)
    mutating func withCanonicalKey<Result>(
        _ start: Int,
        _ end: Int,
        _ shape: StringShape,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        switch shape {
        case .plain: return body(UnsafeBufferPointer(start: base + start + 1, count: end - start - 2))
        case .canonicalEscapes, .otherEscapes: return body(decodeEscapes(start + 1, end - 1))
        case .beyondASCII: return keyString(start, end, shape)._nfcCodeUnits.withUnsafeBufferPointer(body)
        }
    }

    /// `Parser.keyHash`.
    @inline(__always)
    mutating func keyHash(_ start: Int, _ end: Int, _ shape: StringShape) -> UInt64 {
        if shape == .plain {
            var hasher = DigestHasher()
            Self.combine(&hasher, base, count, start + 1, end - start - 2)
            return hasher.finalize()
        }
        return withCanonicalKey(start, end, shape) { text in
            var hasher = DigestHasher()
            hasher.combine(bytes: text)
            return hasher.finalize()
        }
    }

    mutating func isKey(_ start: Int, _ end: Int, _ shape: StringShape, in names: KeyNames) -> Bool {
        withCanonicalKey(start, end, shape) { names.contains($0) }
    }

    /// Writes a key as `Parser.writeKey` does (without the colon).
    mutating func writeKey(_ start: Int, _ end: Int, _ shape: StringShape) {
        switch shape {
        case .plain, .canonicalEscapes:
            append(UnsafeBufferPointer(start: base + start, count: end - start))
        case .otherEscapes, .beyondASCII:
            var writer = JSONWriter()
            writer.writeString(keyString(start, end, shape))
            append(writer.bytes)
        }
    }

    // MARK: Numbers

    /// An integer of up to 18 digits is read here; other numbers by `Parser.parseNumber`.
    @inline(never)
    mutating func number<Mode: WalkMode>(_ mode: Mode.Type, into hasher: inout DigestHasher) throws(WalkerGaveUp) {
        let hashing = Mode.hashing
        let copying = Mode.copying
        let start = index
        var position = index
        let negative = base[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        var magnitude = 0
        let digitsStart = position
        while position < count {
            let digit = base[position] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            magnitude = magnitude &* 10 &+ Int(digit)
            position += 1
        }
        let digits = position - digitsStart
        let simple =
            digits > 0 && digits <= 18 && (digits == 1 || base[digitsStart] != UInt8(ascii: "0"))
            && (position == count
                || (base[position] != UInt8(ascii: ".") && base[position] | 0x20 != UInt8(ascii: "e")))
        guard simple else { return try numberWithParser(hashing: hashing, copying: copying, into: &hasher) }
        index = position
        if hashing {
            hasher.combine(DigestTag.integer)
            hasher.combine(negative ? -magnitude : magnitude)
        }
        // `-0` reads as the integer 0, written `0`.
        if copying && negative && magnitude == 0 {
            flushRun(upTo: start)
            append(UInt8(ascii: "0"))
            runStart = index
        }
    }

    mutating func numberWithParser(hashing: Bool, copying: Bool, into hasher: inout DigestHasher)
        throws(WalkerGaveUp)
    {
        let start = index
        var parser = Parser(bytes: bytes, options: options)
        parser.index = index
        let number: Value
        do {
            number = try parser.parseNumber()
        } catch {
            throw WalkerGaveUp()
        }
        index = parser.index
        if hashing { hasher.combine(number: number) }
        if copying {
            flushRun(upTo: start)
            var writer = JSONWriter()
            writer.write(number)
            append(writer.bytes)
            runStart = index
        }
    }

    // MARK: Whitespace and output

    /// Moves past whitespace; in a copy, the bytes before it are appended and the run
    /// starts again after it.
    @inline(__always)
    mutating func skipWhitespace(copying: Bool) {
        // Whitespace is at most 0x20; a token's first byte is above it.
        guard index < count, base[index] <= 0x20, Self.isWhitespace(base[index]) else { return }
        if copying { flushRun() }
        index += 1
        while index < count, Self.isWhitespace(base[index]) { index += 1 }
        if copying { runStart = index }
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Appends the run of the document's bytes up to `index`.
    mutating func flushRun() { flushRun(upTo: index) }

    mutating func flushRun(upTo end: Int) {
        if end > runStart { append(UnsafeBufferPointer(start: base + runStart, count: end - runStart)) }
        runStart = end
    }

    mutating func append(_ byte: UInt8) {
        output.append(byte)
    }

    mutating func append(_ run: UnsafeBufferPointer<UInt8>) {
        output.append(contentsOf: run)
    }

    mutating func append(_ run: [UInt8]) {
        output.append(contentsOf: run)
    }
}
