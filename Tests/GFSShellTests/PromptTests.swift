import GFSShell
import Testing

@Suite struct PromptTests {
    let context = PromptContext(server: "localhost:3000", identity: "admin", organization: "apiorg")

    @Test func plainPromptShowsWhereTheSessionStands() {
        #expect(Prompt(usesColour: false).primary(context) == "admin@localhost:3000 [apiorg]> ")
    }

    @Test func aTokenNameStandsWhereTheUserWould() {
        let token = PromptContext(server: "grafana.example.com:443", identity: "apikeycurl", organization: "apiorg")
        #expect(Prompt(usesColour: false).primary(token) == "apikeycurl@grafana.example.com:443 [apiorg]> ")
    }

    @Test func partsThatAreNotKnownAreLeftOut() {
        let prompt = Prompt(usesColour: false)
        #expect(prompt.primary(PromptContext()) == "gfs> ")
        #expect(prompt.primary(PromptContext(server: "localhost:3000")) == "localhost:3000> ")
        #expect(prompt.primary(PromptContext(server: "h:1", organization: "Main Org.")) == "h:1 [Main Org.]> ")
    }

    @Test func aFailureIsMarked() {
        var failed = context
        failed.lastFailed = true
        #expect(Prompt(usesColour: false).primary(failed) == "admin@localhost:3000 [apiorg]!> ")
        #expect(Prompt(usesColour: true).primary(failed).contains("\u{1B}[1;31m!\u{1B}[0m"))
    }

    @Test func colourWrapsThePartsInEscapes() {
        let coloured = Prompt(usesColour: true).primary(context)
        #expect(coloured == "\u{1B}[1madmin@localhost:3000\u{1B}[0m \u{1B}[36m[apiorg]\u{1B}[0m> ")
        // Without the escapes it reads the same as the plain prompt.
        #expect(coloured.replacing(#/\x1B\[[0-9;]*m/#, with: "") == Prompt(usesColour: false).primary(context))
    }

    @Test func continuationPrompt() {
        #expect(Prompt(usesColour: false).continuation() == "... ")
        #expect(Prompt(usesColour: true).continuation() == "\u{1B}[2m...\u{1B}[0m ")
    }

    @Test(arguments: [
        (true, [String: String](), true),
        (false, [:], false),
        (true, ["NO_COLOR": "1"], false),
        (true, ["NO_COLOR": ""], true),
        (true, ["TERM": "dumb"], false),
        (false, ["TERM": "xterm-256color"], false),
    ])
    func colourOnlyOnATerminalAndNeverWithNoColor(isTerminal: Bool, environment: [String: String], expected: Bool) {
        #expect(Prompt.usesColour(isTerminal: isTerminal, environment: environment) == expected)
    }
}
