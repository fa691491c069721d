// The libFuzzer entry for the one JSON reader (`GFSValue`), built by `scripts/fuzz` (not
// part of the package, so `swift build` never sees it).
//
// Arbitrary bytes are read strictly and leniently (trailing content, invalid UTF-8
// replaced); whatever reads must write back and read again to the same value, in both the
// compact and the pretty layout (Go's layout only has to read back). Syntax errors are expected; a crash, a trap, a hang or a
// value that does not survive a round trip is a bug. The reads that build no tree
// (`objectMembers`, `compactJSON`, `digest`, which `dashboard push` uses) must agree with the
// tree: the same error at the same place, the same bytes written, and the same digest for the
// input as for its own round trip.

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
    checkStreamingReads(bytes)
    return 0
}

private func checkStreamingReads(_ bytes: UnsafeBufferPointer<UInt8>) {
    let treeResult = Result { () throws(JSONSyntaxError) in try JSONReader.read(bytes, options: .strict) }
    let membersResult = Result { () throws(JSONSyntaxError) in try JSONReader.objectMembers(bytes, options: .strict) }
    switch (treeResult, membersResult) {
    case (.failure(let treeError), .failure(let streamingError)):
        precondition(
            treeError.line == streamingError.line && treeError.column == streamingError.column,
            "The streaming read fails elsewhere: \(streamingError) against \(treeError)"
        )
    case (.success(let value), .success(let members)):
        var isRecord = false
        if case .record = value { isRecord = true }
        precondition((members != nil) == isRecord, "The streaming read sees another kind of value")
        let whole = members?.range ?? trimmingWhitespace(bytes)
        let digest = try? JSONReader.digest(bytes, at: whole)
        precondition(digest != nil, "An accepted document whose digest fails")
        let again = value.jsonBytes()
        let againDigest = again.withUnsafeBufferPointer { try? JSONReader.digest($0, at: 0..<$0.count) }
        precondition(digest == againDigest, "A digest that changes on a round trip: \(value.compactJSON)")
        if let members {
            if let copy = try? JSONReader.compactJSON(bytes, at: members.range) {
                precondition(copy == value.jsonBytes(), "A copy unlike the tree's JSON: \(value.compactJSON)")
            }
        }
    default:
        preconditionFailure("The streaming and tree reads disagree on whether the input is JSON")
    }
    checkOnePassReads(bytes, members: membersResult)
}

/// The reads that do several things in one pass (`compactObject` for a file,
/// `objectMembers(_:digestingObject:)` for a fetched dashboard) against the separate reads.
private func checkOnePassReads(
    _ bytes: UnsafeBufferPointer<UInt8>,
    members membersResult: Result<JSONObjectMembers?, JSONSyntaxError>
) {
    let onePass = Result { () throws(JSONSyntaxError) in try JSONReader.compactObject(bytes, dropping: ["id"]) }
    let fetched = Result { () throws(JSONSyntaxError) in
        try JSONReader.objectMembers(bytes, digestingObject: "dashboard", ignoring: ["id", "version"])
    }
    switch (membersResult, onePass, fetched) {
    case (.failure(let error), .failure(let onePassError), .failure(let fetchedError)):
        precondition(onePassError == error && fetchedError == error, "A one-pass read fails elsewhere")
    case (.success(nil), .success(nil), .success(nil)):
        break
    case (.success(let members?), .success(let read?), .success(let answer?)):
        precondition(read.members.range == members.range, "A one-pass read of another object")
        precondition(answer.members.range == members.range, "A fetched read of another object")
        let copy = try? JSONReader.compactJSON(bytes, at: members.range, dropping: ["id"])
        precondition(read.compactJSON == copy, "A one-pass copy unlike the separate copy")
        if let copy, let digests = read.digest {
            copy.withUnsafeBufferPointer { copy in
                let separate = try? JSONReader.digest(copy, at: 0..<copy.count, ignoring: ["version"])
                precondition(digests.digest(ignoring: ["version"]) == separate, "A one-pass digest unlike the copy's")
            }
        }
        var model: JSONDigest?
        if let range = members.last("dashboard"), bytes[range.lowerBound] == UInt8(ascii: "{") {
            model = try? JSONReader.digest(bytes, at: range, ignoring: ["id", "version"])
        }
        precondition(answer.digest == model, "A fetched model's digest unlike the separate digest")
    default:
        preconditionFailure("The one-pass and separate reads disagree on whether the input is JSON")
    }
}

/// The document without the whitespace JSON allows around it (RFC 8259, section 2).
private func trimmingWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
    let isWhitespace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    let start = bytes.firstIndex { !isWhitespace($0) } ?? bytes.count
    let end = (bytes.lastIndex { !isWhitespace($0) }).map { $0 + 1 } ?? start
    return start..<max(start, end)
}
