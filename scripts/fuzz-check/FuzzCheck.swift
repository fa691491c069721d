// The libFuzzer entry for the checker, built by `scripts/fuzz` (not part of the package, so
// `swift build` never sees it).
//
// Arbitrary bytes are parsed and checked against the real command definitions
// (`GFSCommandCatalog.table`), the same table `gfs --check` uses, and every diagnostic is
// rendered. Check failures are expected; a crash, a trap or a hang is a bug.

import GFSCommands
import GFSLanguage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheck(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let source = SourceFile(name: "fuzz.gfs", text: text)
    do {
        _ = try Interpreter.check(source, table: GFSCommandCatalog.table, knownVariables: ["context"])
    } catch {
        precondition(!error.diagnostics.isEmpty, "A check failure without a diagnostic")
        for diagnostic in error.diagnostics {
            precondition(!diagnostic.message.isEmpty, "A diagnostic without a message")
            precondition(diagnostic.range.start <= diagnostic.range.end, "A range that ends before it starts")
            let file = error.source(named: diagnostic.sourceName)
            if let file {
                precondition(diagnostic.range.end.offset <= file.text.utf8.count, "A range beyond the text")
            }
            _ = diagnostic.rendered(in: file, usesColor: true)
        }
    }
    return 0
}
