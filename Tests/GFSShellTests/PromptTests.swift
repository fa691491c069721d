import GFSShell
import Testing

@Suite struct PromptTests {
    @Test func plainPromptShowsWhereTheSessionStands() {
        let prompt = Prompt(usesColour: false)
        let context = PromptContext(server: "localhost:3000", identity: "admin", organization: "apiorg")
        #expect(prompt.primary(context) == "admin@localhost:3000 [apiorg]> ")
    }
}
