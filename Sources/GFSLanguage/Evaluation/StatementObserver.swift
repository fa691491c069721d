/// Told about each statement a run executes at the top of its script or prompt line, for an
/// audit trail (`gfs --log`). A statement inside a block, a loop or a sourced file is part of
/// the top-level statement that contains it, so replaying the top-level texts in order does
/// what the run did.
public protocol StatementObserver: Sendable {
    /// Called before the statement runs.
    func statementWillRun(_ statement: RunStatement) async
    /// Called after it ran: `.success`, or the outcome that stopped the run there.
    func statementDidRun(_ statement: RunStatement, outcome: RunOutcome) async
}

/// A top-level statement as written: where it stands and its source text.
public struct RunStatement: Sendable, Hashable {
    /// The script's name (`deploy.gfs`, `<command line>`, `<line 3>` at the prompt).
    public var sourceName: String
    /// 1-based line and column of its first character.
    public var line: Int
    public var column: Int
    /// The statement's text, exactly as in the source (continuation lines included).
    public var text: String

    public init(sourceName: String, line: Int, column: Int, text: String) {
        self.sourceName = sourceName
        self.line = line
        self.column = column
        self.text = text
    }

    /// The statement at `range` in `source`; the offsets are UTF-8 byte offsets.
    init(source: SourceFile, range: SourceRange) {
        let utf8 = source.text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: range.start.offset, limitedBy: utf8.endIndex) ?? utf8.endIndex
        let end = utf8.index(utf8.startIndex, offsetBy: range.end.offset, limitedBy: utf8.endIndex) ?? utf8.endIndex
        self.init(
            sourceName: source.name,
            line: range.start.line,
            column: range.start.column,
            text: start <= end ? String(decoding: utf8[start..<end], as: UTF8.self) : ""
        )
    }
}
