// The libFuzzer entry for the one JSON reader (`GFSValue`), built by `scripts/fuzz` (not
// part of the package, so `swift build` never sees it).
//
// Arbitrary bytes are read strictly and leniently (trailing content, invalid UTF-8
// replaced); whatever reads must write back and read again to the same value, in both the
// compact and the pretty layout (Go's layout only has to read back). Syntax errors are expected; a crash, a trap, a hang or a
// value that does not survive a round trip is a bug.

import GFSValue

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let lenient = JSONReadingOptions(maximumDepth: 64, allowsTrailingContent: true, replacesInvalidUTF8: true)
    for options in [JSONReadingOptions.strict, lenient] {
        let value: Value
        do {
            value = try JSONReader.read(bytes, options: options)
        } catch {
            precondition(error.line >= 1 && error.column >= 1, "An error position before the start")
            precondition(error.offset <= size, "An error offset beyond the input")
            continue
        }
        for pretty in [false, true] {
            let written = pretty ? value.prettyJSON : value.compactJSON
            do {
                let again = try Value(json: written)
                precondition(again == value, "A value that changes on a round trip: \(written)")
            } catch {
                preconditionFailure("Written JSON that does not read back: \(error) in \(written)")
            }
        }
        // Go's layout turns integral doubles into integers, so it only has to read back.
        precondition((try? Value(json: value.jsonString(options: .go))) != nil, "Go-style JSON that does not read back")
    }
    return 0
}
