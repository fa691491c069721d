import GFSCommands
import GFSLanguage
import GFSShell
import GFSTestSupport
import Testing

/// The shell against gfs's real command table, so a change to the catalog that would leak a
/// secret into history or break completion shows here.
@Suite struct CatalogTests {
    let policy = HistoryPolicy(commandTable: GFSCommandCatalog.table)

    @Test(arguments: [
        "connect http://localhost:3000 --user admin --password-env GRAFANA_PASSWORD",
        "connect http://localhost:3000 --token-file ~/.config/gfs/token",
        "connect --token-env GF_TOKEN",
        "key create apikeycurl admin --save key.txt",
        "org create apiorg",
        "dashboard push examples/production-overview.json",
    ])
    func linesThatOnlyNameWhereSecretsAreStayAsTyped(_ line: String) {
        #expect(policy.decide(line) == .keep(line))
    }

    @Test func secretsInCatalogCommandsAreRedacted() {
        #expect(
            policy.decide("connect http://admin:admin@localhost:3000")
                == .redact("connect http://admin:***@localhost:3000")
        )
        #expect(
            policy.decide("echo eyJrIjoiT0tTcG1pUlY2RnVKZTFVaDFsNFZXdE9ZWmNrMkZYbk4iLCJuIjoiYSIsImlkIjoxfQ==")
                == .redact("echo ***")
        )
    }

    @Test func completionFromTheCatalog() async {
        let completer = Completer(commandTable: GFSCommandCatalog.table)
        completer.updateVariables(["org": .record(Record([("id", 2), ("name", "apiorg")]))])
        func complete(_ line: String) async -> Completion {
            await completer.complete(line: line, cursor: line.utf8.count)
        }
        #expect(await complete("dash").replacement == "dashboard ")
        #expect(await complete("use $or").replacement == "$org")
        #expect(await complete("connect --password-e").replacement == "--password-env ")
        // Roles match in any case, as the mission types them.
        #expect(await complete("key create k ad").replacement == "Admin ")
        #expect(await complete("key create k Ad").replacement == "Admin ")
        #expect(await complete("org user ").candidates == ["add", "list", "remove", "role"])
        #expect(await complete("use ").candidates == ["org", "token"])
    }

    @Test func useOrgCompletesOrgNamesFromTheServer() async {
        // A clock that stands still: the names are waited for however slow the machine is.
        let completer = Completer(
            commandTable: GFSCommandCatalog.table,
            liveNameProvider: FakeNames(),
            clock: ManualClock()
        )
        #expect(await completer.complete(line: "use org api", cursor: 11).candidates == ["apiorg", "apiother"])
    }

    @Test func theTokenOfUseTokenStaysOutOfHistory() {
        #expect(policy.decide("use token glsa_notarealtoken_0000") != .keep("use token glsa_notarealtoken_0000"))
        #expect(policy.decide("use token s3cr3t-value") != .keep("use token s3cr3t-value"))
    }
}
