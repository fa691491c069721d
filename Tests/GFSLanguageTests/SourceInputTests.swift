import GFSLanguage
import Testing

/// Scripts read from bytes, and how diagnostics show very long lines.
@Suite struct SourceInputTests {
    @Test func validUTF8BecomesTheText() throws {
        let source = try SourceFile(name: "x.gfs", bytes: Array("echo café 😀\n".utf8))
        #expect(source.text == "echo café 😀\n")
    }

    @Test func invalidUTF8IsAnErrorAtItsLineAndColumn() {
        // Line 2, after "echo é" (the é is one column): the bad byte is column 7.
        let bytes = Array("echo ok\necho é".utf8) + [0xFF] + Array(" more\n".utf8)
        do {
            _ = try SourceFile(name: "x.gfs", bytes: bytes)
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.code == .invalidEncoding)
            #expect(error.message == "Invalid UTF-8 byte 0xFF")
            #expect(error.range.start == SourcePosition(offset: 15, line: 2, column: 7))
            #expect(error.sourceName == "x.gfs")
            #expect(error.hint != nil)
        }
    }

    @Test func aTruncatedSequenceAtTheEndIsInvalid() {
        #expect(throws: Diagnostic.self) { try SourceFile(name: "x", bytes: Array("echo ".utf8) + [0xE2, 0x82]) }
    }

    @Test func aLongLineShowsAWindowAroundTheError() throws {
        // A megabyte of text, then an unknown escape: the excerpt stays short, and the caret
        // still stands under the backslash.
        let filler = String(repeating: "a", count: 1_000_000)
        let text = "echo \"\(filler)\\q\(filler)\""
        let diagnostic: Diagnostic
        do {
            _ = try parse(SourceFile(name: "big.gfs", text: text))
            Issue.record("parsed")
            return
        } catch {
            diagnostic = error
        }
        let rendered = diagnostic.rendered(in: SourceFile(name: "big.gfs", text: text))
        #expect(rendered.count < 600, "\(rendered.count) characters")
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "big.gfs:1:1000007: error: Invalid escape sequence '\\q'")
        let sourceLine = lines[1]
        let caretLine = lines[2]
        #expect(sourceLine.hasPrefix("  1 | ...aaa"))
        #expect(sourceLine.hasSuffix("aaa..."))
        let caret = try #require(caretLine.firstIndex(of: "^"))
        let column = caretLine.distance(from: caretLine.startIndex, to: caret)
        let backslash = try #require(sourceLine.firstIndex(of: "\\"))
        #expect(column == sourceLine.distance(from: sourceLine.startIndex, to: backslash))
        #expect(caretLine.hasSuffix("^~"))
    }

    @Test func aShortLineIsShownWhole() {
        let text = "echo \"\\q\""
        do {
            _ = try parse(SourceFile(name: "x.gfs", text: text))
        } catch {
            #expect(
                error.rendered(in: SourceFile(name: "x.gfs", text: text)).split(separator: "\n")[1]
                    == "  1 | echo \"\\q\""
            )
        }
    }
}
