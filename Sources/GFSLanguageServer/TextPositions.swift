/// Converts between the UTF-8 byte offsets of gfs's source ranges and LSP positions, whose
/// `character` counts UTF-16 code units within a line (the protocol's default encoding).
///
/// Lines end at `\n` (a `\r` before it belongs to the line break), as the lexer counts them.
struct TextPositions: Sendable {
    let utf8: [UInt8]
    /// The byte offset where each line starts.
    let lineStarts: [Int]

    init(_ text: String) {
        utf8 = Array(text.utf8)
        var starts = [0]
        for (index, byte) in utf8.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(index + 1)
        }
        lineStarts = starts
    }

    /// The LSP position (0-based line, UTF-16 column) of a byte offset.
    func position(ofOffset offset: Int) -> (line: Int, character: Int) {
        let offset = min(max(offset, 0), utf8.count)
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        let lineStart = lineStarts[low]
        let prefix = String(decoding: utf8[lineStart..<offset], as: UTF8.self)
        return (low, prefix.utf16.count)
    }

    /// The byte offset of an LSP position; a column past the line's end is its end.
    func offset(line: Int, character: Int) -> Int {
        guard line >= 0 else { return 0 }
        guard line < lineStarts.count else { return utf8.count }
        let start = lineStarts[line]
        let end = line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : utf8.count
        let text = String(decoding: utf8[start..<end], as: UTF8.self)
        var units = 0
        var bytes = 0
        for scalar in text.unicodeScalars {
            if units >= character { break }
            units += scalar.utf16.count
            bytes += scalar.utf8.count
        }
        return start + bytes
    }

    /// The text of the 0-based `line` from its start to byte `offset`.
    func lineText(line: Int, upTo offset: Int) -> String {
        guard line >= 0, line < lineStarts.count else { return "" }
        return String(decoding: utf8[lineStarts[line]..<max(lineStarts[line], offset)], as: UTF8.self)
    }
}
