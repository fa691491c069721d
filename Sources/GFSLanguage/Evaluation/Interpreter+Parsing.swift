// The one place the interpreter calls the parser.

extension Interpreter {
    static func parseScript(_ source: SourceFile) throws(Diagnostic) -> Script {
        try parse(source)
    }
}
