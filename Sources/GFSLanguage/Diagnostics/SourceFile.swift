/// A position in a source text: a UTF-8 byte offset plus the 1-based line and column.
/// Columns count Unicode scalars (the lexer makes one pass over UTF-8 bytes), so they match
/// characters except inside combining sequences; `DiagnosticRenderer` lines its caret up
/// from the byte offset, which is exact.
public struct SourcePosition: Hashable, Comparable, Sendable {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        lhs.offset < rhs.offset
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
