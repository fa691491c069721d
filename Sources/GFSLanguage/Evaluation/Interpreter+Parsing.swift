// The one place the interpreter calls the parser.

extension Interpreter {
    /// The most bytes a script (or a sourced file) may hold: 64 MiB, far beyond any
    /// runbook, so a wrong file given as a script fails at once rather than after lexing
    /// gigabytes.
    public static let maximumSourceSize = 64 << 20

    static func parseScript(_ source: SourceFile) throws(Diagnostic) -> Script {
        let size = source.text.utf8.count
        guard size <= maximumSourceSize else {
            let start = SourcePosition(offset: 0, line: 1, column: 1)
            throw Diagnostic(
                code: .sourceTooLarge,
                message: "Script too large",
                hint: "A script holds at most \(maximumSourceSize) bytes (64 MiB); this one holds \(size).",
                range: SourceRange(start: start, end: start),
                sourceName: source.name
            )
        }
        return try parse(source)
    }
}
