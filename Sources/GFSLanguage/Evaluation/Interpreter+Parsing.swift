// The one place the interpreter calls the parser.

extension Interpreter {
    static func parseScript(_ source: SourceFile) throws(Diagnostic) -> Script {
        // TEMPORARY until the syntax branch lands `parse(_:)`.
        throw Diagnostic(message: "Parser not available", range: SourceRange(start: .init(offset: 0, line: 1, column: 1), end: .init(offset: 0, line: 1, column: 1)), sourceName: source.name)
    }
}
