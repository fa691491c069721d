/// The words of a line as the shell sees them for completion and history, without parsing.
///
/// The shell must work on text that does not parse yet (the word under the cursor is half
/// typed, a quote is still open), so it splits on its own: whitespace separates words, quotes
/// group, and `;`, `{`, `}`, `(`, `)`, `|` and newlines end a command. Positions are byte
/// offsets into the line's UTF-8, as libedit gives them.
struct ShellWords {
    struct Word: Equatable {
        /// The word as typed, quotes included.
        var text: String
        /// Byte offsets into the line's UTF-8.
        var range: Range<Int>
        /// The word without its quotes and escapes.
        var value: String
        /// The quote still open at the end of the word, if any.
        var openQuote: Character?
        /// A separator token (`;`, `{`, ...) rather than a word.
        var isSeparator: Bool
    }

    var words: [Word]

    static let separators: Set<UInt8> = Set(";{}()|\n".utf8)

    init(_ line: String) {
        let bytes = Array(line.utf8)
        var words: [Word] = []
        var index = 0
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        while index < bytes.count {
            let byte = bytes[index]
            if isSpace(byte) {
                index += 1
                continue
            }
            if byte == UInt8(ascii: "#") {
                // A comment runs to the end of the line.
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                continue
            }
            if Self.separators.contains(byte) {
                let text = String(decoding: [byte], as: UTF8.self)
                words.append(Word(text: text, range: index..<index + 1, value: text, openQuote: nil, isSeparator: true))
                index += 1
                continue
            }
            let start = index
            var value: [UInt8] = []
            var quote: UInt8?
            while index < bytes.count {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open {
                        quote = nil
                    } else if byte == UInt8(ascii: "\\"), open == UInt8(ascii: "\""), index + 1 < bytes.count {
                        index += 1
                        value.append(bytes[index])
                    } else {
                        value.append(byte)
                    }
                } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                    quote = byte
                } else if isSpace(byte) || Self.separators.contains(byte) {
                    break
                } else if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    index += 1
                    value.append(bytes[index])
                } else {
                    value.append(byte)
                }
                index += 1
            }
            words.append(
                Word(
                    text: String(decoding: bytes[start..<index], as: UTF8.self),
                    range: start..<index,
                    value: String(decoding: value, as: UTF8.self),
                    openQuote: quote.map { Character(Unicode.Scalar($0)) },
                    isSeparator: false
                )
            )
        }
        self.words = words
    }

    /// The words of the last command that starts before `offset`, excluding separators.
    func commandWords(before offset: Int) -> [Word] {
        var current: [Word] = []
        for word in words where word.range.lowerBound < offset {
            if word.isSeparator {
                current = []
            } else {
                current.append(word)
            }
        }
        return current
    }

    /// The commands of the line, each as its words without separators.
    var commands: [[Word]] {
        var result: [[Word]] = [[]]
        for word in words {
            if word.isSeparator {
                if !(result.last?.isEmpty ?? true) { result.append([]) }
            } else {
                result[result.count - 1].append(word)
            }
        }
        return result.filter { !$0.isEmpty }
    }
}
