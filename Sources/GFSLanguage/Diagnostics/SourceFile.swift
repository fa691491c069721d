/// A position in a source text: a UTF-8 byte offset plus the 1-based line and column.
/// Columns count Unicode scalars (the lexer makes one pass over UTF-8 bytes), so they match
/// characters except inside combining sequences; `DiagnosticRenderer` lines its caret up
/// from the byte offset, which is exact.
///
/// Stored in 32 bits each: every token and syntax node holds two positions, so a long
/// script's tokens take half the memory (and the kernel half the page faults) they would with
/// `Int`s. A script holds at most 64 MiB (`Interpreter.maximumSourceSize`), well inside that
/// range; a larger value given from outside is clamped rather than trapping.
public struct SourcePosition: Hashable, Comparable, Sendable {
    private var storedOffset: Int32
    private var storedLine: Int32
    private var storedColumn: Int32

    public var offset: Int {
        get { Int(storedOffset) }
        set { storedOffset = Int32(clamping: newValue) }
    }

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }

    public init(offset: Int, line: Int, column: Int) {
        storedOffset = Int32(clamping: offset)
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }

    /// A position the lexer counted itself, in a text it holds whole: without the clamping
    /// test, which it would otherwise pay for each token's two positions.
    init(lexedOffset offset: Int, line: Int, column: Int) {
        storedOffset = Int32(truncatingIfNeeded: offset)
        storedLine = Int32(truncatingIfNeeded: line)
        storedColumn = Int32(truncatingIfNeeded: column)
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        lhs.storedOffset < rhs.storedOffset
    }
}

/// A half-open span of source text. Every token, AST node and diagnostic carries one.
public struct SourceRange: Hashable, Sendable {
    public var start: SourcePosition
    public var end: SourcePosition

    public init(start: SourcePosition, end: SourcePosition) {
        self.start = start
        self.end = end
    }

    /// The smallest range that covers both ranges.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }
}

/// A named source text: a script file, a `-c` argument, standard input or a prompt line.
public struct SourceFile: Hashable, Sendable {
    /// The name used in diagnostics (`deploy.gfs`, `<command line>`, `<stdin>`).
    public var name: String
    public var text: String

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// The text of the 1-based line `number`, without its line terminator.
    public func line(_ number: Int) -> Substring? {
        var current = 1
        var lineStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if current == number { break }
            if text[index] == "\n" {
                current += 1
                lineStart = text.index(after: index)
            }
            index = text.index(after: index)
        }
        guard current == number else { return nil }
        let lineEnd = text[lineStart...].firstIndex(where: { $0 == "\n" || $0 == "\r\n" }) ?? text.endIndex
        return text[lineStart..<lineEnd]
    }
}

extension SourceFile {
    /// A source from raw bytes, which must be UTF-8: scripts from files, pipes, standard input
    /// and `-c` are all read this way, so none of them turns bad bytes into U+FFFD silently.
    /// Throws a `syntax.invalid-encoding` diagnostic at the first byte that is not UTF-8.
    public init(name: String, bytes: some Collection<UInt8>) throws(Diagnostic) {
        let bytes = Array(bytes)
        // The standard library's validation is the fast path (it checks ASCII a word at a
        // time); the scalar-by-scalar scan below only runs to locate a bad byte.
        if #available(macOS 15, *), let text = String(validating: bytes, as: UTF8.self) {
            self.init(name: name, text: text)
            return
        }
        guard let offset = Self.firstInvalidUTF8Offset(in: bytes) else {
            self.init(name: name, text: String(decoding: bytes, as: UTF8.self))
            return
        }
        // Everything before the bad byte is valid, so line and column count as the lexer does:
        // lines by `\n`, columns by Unicode scalars (bytes that do not continue a sequence).
        var line = 1
        var column = 1
        for byte in bytes[..<offset] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        let start = SourcePosition(offset: offset, line: line, column: column)
        let end = SourcePosition(offset: offset + 1, line: line, column: column + 1)
        throw Diagnostic(
            code: .invalidEncoding,
            message: "Invalid UTF-8 byte 0x\(Self.hex(bytes[offset]))",
            hint: "gfs reads scripts as UTF-8; convert the file (for example with iconv) or remove the byte.",
            range: SourceRange(start: start, end: end),
            sourceName: name
        )
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    /// The offset of the first byte that does not belong to a valid UTF-8 sequence.
    static func firstInvalidUTF8Offset(in bytes: [UInt8]) -> Int? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return nil
            case .error:
                return offset
            }
        }
    }
}
