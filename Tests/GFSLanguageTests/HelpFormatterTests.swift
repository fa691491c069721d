import GFSTestSupport
import Testing

@testable import GFSLanguage

@Suite struct HelpFormatterTests {
    let formatter = HelpFormatter(table: LanguageTestCommands.table)

    @Test func listsEveryCommandWithItsSummary() {
        assertGolden(formatter.help(for: []), named: "help")
    }

    @Test func listsOneGroup() {
        assertGolden(formatter.help(for: ["org"]), named: "help-org")
    }

    @Test func showsUsageOptionsAndExampleOfACommand() {
        assertGolden(formatter.help(for: ["dashboard", "push"]), named: "help-dashboard-push")
        assertGolden(formatter.help(for: ["connect"]), named: "help-connect")
    }

    @Test func usageMarksOptionalAndVariadicArguments() throws {
        let push = try #require(LanguageTestCommands.table.command(["dashboard", "push"]))
        #expect(push.usage.hasPrefix("dashboard push PATH... [--folder FOLDER] [--overwrite]"))
        let show = try #require(LanguageTestCommands.table.command(["org", "show"]))
        #expect(show.usage == "org show [ORG]")
    }
}
