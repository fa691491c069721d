import Foundation
import GFSLanguage
import GFSShell
import GFSTestSupport
import Testing

/// Live names from a fake server; counts its calls, can fail, and when `held` answers only
/// once the test calls `release()` (a slow server, with no timer involved).
final class FakeNames: LiveNameProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    private var held: Bool
    private var waiting: [CheckedContinuation<Void, Never>] = []
    let fails: Bool

    init(held: Bool = false, fails: Bool = false) {
        self.held = held
        self.fails = fails
    }

    var callCount: Int { lock.withLock { calls } }

    /// Lets every held call, and every later one, answer.
    func release() {
        let released = lock.withLock {
            held = false
            defer { waiting.removeAll() }
            return waiting
        }
        released.forEach { $0.resume() }
    }

    func names(for kind: CompletionKind) async throws -> [String] {
        lock.withLock { calls += 1 }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let answersNow = lock.withLock {
                if held { waiting.append(continuation) }
                return !held
            }
            if answersNow { continuation.resume() }
        }
        struct Unreachable: Error {}
        if fails { throw Unreachable() }
        switch kind {
        case .orgName: return ["Main Org.", "apiorg", "apiother"]
        case .dashboardUID: return ["prod-overview", "prod-latency", "staging"]
        case .folder: return ["Ops", "Operations Team"]
        default: return []
        }
    }
}

@Suite struct CompleterTests {
    func completer(
        names: FakeNames? = FakeNames(),
        directory: String? = nil,
        timeout: Duration = .milliseconds(300),
        clock: ManualClock = ManualClock()
    ) -> Completer {
        // The clock stands still unless a test moves it: no timeout fires on a slow machine.
        let completer = Completer(
            commandTable: testTable,
            liveNameProvider: names,
            currentDirectory: directory,
            environment: ["GF_PASSWORD": "x", "GF_TOKEN": "y", "HOME": "/root"],
            cacheLifetime: .seconds(10),
            liveTimeout: timeout,
            clock: clock
        )
        completer.updateVariables([
            "org": .record(
                Record([("id", 2), ("name", "apiorg"), ("settings", .record(Record([("theme", "dark")])))])
            ),
            "orgs": .list([]),
            "key": .record(Record([("id", 1), ("name", "apikeycurl"), ("key", "eyJr")])),
            "count": 3,
        ])
        return completer
    }

    /// Completes `line` with the cursor at its end.
    func complete(_ line: String, with completer: Completer? = nil) async -> Completion {
        await (completer ?? self.completer()).complete(line: line, cursor: line.utf8.count)
    }

    @Test func commandNamesAndKeywordsAtTheStart() async {
        let completion = await complete("")
        #expect(completion.candidates.contains("dashboard"))
        #expect(completion.candidates.contains("org"))
        #expect(completion.candidates.contains("let"))
        #expect(completion.replacement == nil)
    }

    @Test func aUniqueCommandNameCompletesWithASpace() async {
        let completion = await complete("dash")
        #expect(completion.candidates == ["dashboard"])
        #expect(completion.wordStart == 0)
        #expect(completion.partial == "dash")
        #expect(completion.replacement == "dashboard ")
    }

    @Test func subcommandsFollowTheirGroup() async {
        #expect(await complete("org ").candidates == ["create", "list", "use", "user"])
        #expect(await complete("org cr").replacement == "create ")
        #expect(await complete("org user ").candidates == ["add"])
    }

    @Test func aCommandAfterSeparatorsAndLet() async {
        #expect(await complete("org list; dash").replacement == "dashboard ")
        #expect(await complete("let o = org c").replacement == "create ")
        #expect(await complete("let o").candidates == [])
    }

    @Test func helpCompletesCommandPaths() async {
        #expect(await complete("help dashboard p").replacement == "push ")
    }

    @Test func optionsOfTheCommandBeingTyped() async {
        let completion = await complete("dashboard push a.json --")
        #expect(completion.candidates == ["--folder", "--overwrite", "--tag"])
        #expect(completion.replacement == nil)
        #expect(await complete("dashboard push --f").replacement == "--folder ")
    }

    @Test func optionsAlreadyGivenAreNotOfferedAgainUnlessRepeatable() async {
        let completion = await complete("dashboard push --overwrite --tag a --")
        #expect(completion.candidates == ["--folder", "--tag"])
    }

    @Test func variableNamesAfterDollar() async {
        let completion = await complete("use $or")
        #expect(completion.candidates == ["$org", "$orgs"])
        #expect(completion.replacement == "$org")
        #expect(completion.wordStart == 4)
        // A record variable takes no space, so that `.field` can follow.
        #expect(await complete("use $ke").replacement == "$key")
        #expect(await complete("echo $cou").replacement == "$count ")
    }

    @Test func recordFieldsAfterADot() async {
        let completion = await complete("echo $org.")
        #expect(completion.candidates == ["$org.id", "$org.name", "$org.settings"])
        #expect(completion.displayNames == ["id", "name", "settings"])
        #expect(await complete("echo $org.n").replacement == "$org.name ")
        #expect(await complete("echo $org.settings.t").replacement == "$org.settings.theme ")
        #expect(await complete("echo $count.").candidates == [])
        #expect(await complete("echo $missing.").candidates == [])
    }

    @Test func pathsForPathArguments() async throws {
        let root = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(atPath: root + "/examples", withIntermediateDirectories: true)
        try "{}".write(toFile: root + "/examples/production-overview.json", atomically: true, encoding: .utf8)
        try "{}".write(toFile: root + "/examples/production-latency.json", atomically: true, encoding: .utf8)
        try "".write(toFile: root + "/examples/.hidden", atomically: true, encoding: .utf8)
        let completer = completer(directory: root)

        #expect(await complete("dashboard push ex", with: completer).replacement == "examples/")
        let inside = await complete("dashboard push examples/", with: completer)
        #expect(inside.candidates == ["examples/production-latency.json", "examples/production-overview.json"])
        #expect(inside.displayNames == ["production-latency.json", "production-overview.json"])
        #expect(inside.replacement == "examples/production-")
        #expect(
            await complete("dashboard push examples/production-o", with: completer).replacement
                == "examples/production-overview.json "
        )
        // Variadic: a second path completes too; hidden files only when asked for.
        #expect(await complete("dashboard push a.json examples/.h", with: completer).candidates == ["examples/.hidden"])
        #expect(
            await complete("source examples/production-l", with: completer).candidates == [
                "examples/production-latency.json"
            ]
        )
        #expect(
            await complete("connect http://h --token-file examples/production-l", with: completer).candidates.count == 1
        )
    }

    @Test func absolutePaths() async throws {
        let root = try makeTemporaryDirectory()
        try "{}".write(toFile: root + "/board.json", atomically: true, encoding: .utf8)
        #expect(await complete("dashboard push \(root)/bo").replacement == "\(root)/board.json ")
    }

    @Test func rolesForRoleValues() async {
        #expect(await complete("org user add alice --role ").candidates == ["Admin", "Editor", "Viewer"])
        #expect(await complete("org user add alice --role E").replacement == "Editor ")
        #expect(await complete("org user add alice --role=V").replacement == "--role=Viewer ")
        #expect(await complete("key create mykey A").replacement == "Admin ")
    }

    @Test func environmentVariableNames() async {
        #expect(await complete("connect http://h --password-env GF_").candidates == ["GF_PASSWORD", "GF_TOKEN"])
    }

    @Test func liveNamesFromTheProvider() async {
        #expect(await complete("org use api").candidates == ["apiorg", "apiother"])
        #expect(await complete("dashboard get prod-o").replacement == "prod-overview ")
        // A name with spaces is offered as one quoted word.
        #expect(await complete("dashboard push a.json --folder ").candidates == ["\"Operations Team\"", "Ops"])
    }

    @Test func liveNamesAreCachedBriefly() async {
        let names = FakeNames()
        let clock = ManualClock()
        let completer = completer(names: names, clock: clock)
        _ = await complete("org use ", with: completer)
        clock.advance(by: .seconds(9))
        #expect(await complete("org use a", with: completer).candidates == ["apiorg", "apiother"])
        #expect(names.callCount == 1)
        _ = await complete("dashboard get ", with: completer)
        #expect(names.callCount == 2)
        // Ten seconds after they came, the org names are asked for again.
        clock.advance(by: .seconds(1))
        #expect(await complete("org use a", with: completer).candidates == ["apiorg", "apiother"])
        #expect(names.callCount == 3)
    }

    @Test func aSlowServerGivesNoCandidatesInsteadOfBlocking() async throws {
        let names = FakeNames(held: true)
        let clock = ManualClock()
        let completer = completer(names: names, timeout: .milliseconds(100), clock: clock)
        async let first = complete("org use api", with: completer)
        // The Tab is waiting on its timer: the timeout passes before the server answers.
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(100))
        #expect(await first.candidates == [])
        // The fetch went on, and a later Tab gets its names without asking again.
        names.release()
        #expect(await complete("org use api", with: completer).candidates == ["apiorg", "apiother"])
        #expect(names.callCount == 1)
    }

    @Test func aFailingServerGivesNoCandidates() async {
        #expect(await complete("org use api", with: completer(names: FakeNames(fails: true))).candidates == [])
    }

    @Test func noLiveNamesWithoutAProvider() async {
        #expect(await complete("org use api", with: completer(names: nil)).candidates == [])
    }

    @Test func argumentsWithoutACompletionKindOfferNothing() async {
        #expect(await complete("org create ").candidates == [])
        #expect(await complete("connect ht").candidates == [])
    }

    @Test func theCursorMayStandInsideTheLine() async {
        let completer = completer()
        let line = "dash push a.json"
        let completion = await completer.complete(line: line, cursor: 4)
        #expect(completion.replacement == "dashboard ")
        #expect(completion.wordStart == 0)
    }

    @Test func offsetsAreUTF8Bytes() async {
        let completer = completer()
        // "é" is two bytes: `$or` starts at byte 8, not character 7.
        let line = "echo é $or"
        let completion = await completer.complete(line: line, cursor: line.utf8.count)
        #expect(completion.wordStart == 8)
        #expect(completion.partial == "$or")
    }

    @Test func quotedWordsAreLeftAlone() async {
        #expect(await complete("org create \"ap").candidates == [])
    }
}
