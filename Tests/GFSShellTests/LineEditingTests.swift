import Testing

@testable import GFSShell

@Suite struct LineEditingTests {
    @Test func promptEscapesAreBracketedForLibEdit() {
        let prompt = Prompt(usesColour: true).primary(PromptContext(server: "h:1"))
        #expect(Prompt.markingEscapes(in: prompt) == "\u{1}\u{1B}[1m\u{1}h:1\u{1}\u{1B}[0m\u{1}> ")
        #expect(Prompt.markingEscapes(in: "gfs> ") == "gfs> ")
    }

    /// libedit glues a bracket to the one character after it: adjacent escapes (a reset then
    /// the red of the failure mark) must share one bracket, or the prompt prints `[1;31m`.
    @Test func adjacentEscapesShareOneBracket() {
        var failed = PromptContext(server: "h:1", organization: "apiorg")
        failed.lastFailed = true
        let prompt = Prompt(usesColour: true).primary(failed)
        #expect(
            Prompt.markingEscapes(in: prompt)
                == "\u{1}\u{1B}[1m\u{1}h:1\u{1}\u{1B}[0m\u{1} \u{1}\u{1B}[36m\u{1}[apiorg]"
                + "\u{1}\u{1B}[0m\u{1B}[1;31m\u{1}!\u{1}\u{1B}[0m\u{1}> "
        )
        // Every bracket is followed by a visible character.
        let marked = Array(Prompt.markingEscapes(in: prompt).unicodeScalars)
        let closing = marked.indices.filter { marked[$0] == "\u{1}" }.enumerated().filter { $0.offset % 2 == 1 }
        for (_, index) in closing {
            #expect(index + 1 < marked.count && marked[index + 1] != "\u{1}" && marked[index + 1] != "\u{1B}")
        }
    }

    @Test func aTrailingEscapeIsLeftOutAndOtherSequencesStayWhole() {
        #expect(Prompt.markingEscapes(in: "a\u{1B}[0m") == "a")
        #expect(
            Prompt.markingEscapes(in: "\u{1B}[38;5;196mred\u{1B}[m ")
                == "\u{1}\u{1B}[38;5;196m\u{1}red\u{1}\u{1B}[m\u{1} "
        )
        #expect(Prompt.markingEscapes(in: "\u{1B}7x") == "\u{1}\u{1B}7\u{1}x")
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
