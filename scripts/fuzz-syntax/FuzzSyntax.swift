// The libFuzzer entry for the gfs front end, built by `scripts/fuzz` (not part of the
// package, so `swift build` never sees it).
//
// Arbitrary bytes go through `tokenize`, `parse`, `needsContinuation`, the AST printer and
// the diagnostic renderer. Syntax errors are expected; a crash, a trap or a hang is a bug.

import GFSLanguage

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSyntax(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let source = SourceFile(name: "fuzz.gfs", text: text)
    _ = needsContinuation(text)
    do {
        _ = try tokenize(source)
        let script = try parse(source)
        _ = ASTPrinter.print(script)
    } catch {
        precondition(!error.message.isEmpty, "A diagnostic without a message")
        precondition(error.range.start <= error.range.end, "A diagnostic range that ends before it starts")
        precondition(error.range.end.offset <= text.utf8.count, "A diagnostic range beyond the text")
        _ = error.rendered(in: source, usesColor: true)
    }
    return 0
}
