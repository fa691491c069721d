import Testing

@testable import GFSShell

@Suite struct LineEditingTests {
    @Test func promptEscapesAreBracketedForLibEdit() {
        let prompt = Prompt(usesColour: true).primary(PromptContext(server: "h:1"))
        #expect(LibEditLineReader.markingEscapes(in: prompt) == "\u{1}\u{1B}[1m\u{1}h:1\u{1}\u{1B}[0m\u{1}> ")
        #expect(LibEditLineReader.markingEscapes(in: "gfs> ") == "gfs> ")
    }

    @Test func candidatesAreListedInColumnsDownFirst() {
        let listed = CandidateList.layout(["create", "list", "use", "user", "delete"], width: 20)
        #expect(listed == "create  user\nlist    delete\nuse\n")
        #expect(CandidateList.layout(["id", "name"], width: 80) == "id    name\n")
        #expect(CandidateList.layout(["a-very-long-candidate"], width: 5) == "a-very-long-candidate\n")
        #expect(CandidateList.layout([], width: 80) == "")
    }

    @Test func wordsKeepByteRangesAndQuotes() {
        let words = ShellWords("connect \"a b\" --x=1; org é").words
        #expect(words.map(\.text) == ["connect", "\"a b\"", "--x=1", ";", "org", "é"])
        #expect(words[1].value == "a b")
        #expect(words[5].range == 25..<27)
        #expect(ShellWords("echo 'open").words.last?.openQuote == "'")
    }

    @Test func aTrailingBackslashContinuesOnlyWhenUnescaped() {
        #expect(ShellSession.endsWithContinuationBackslash("a \\"))
        #expect(!ShellSession.endsWithContinuationBackslash("a \\\\"))
        #expect(ShellSession.endsWithContinuationBackslash("a \\\\\\"))
        #expect(!ShellSession.endsWithContinuationBackslash("a"))
    }
}
