import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// `user`, `me` and `team` against an in-process sandbox on a real port: each command's
/// success, its idempotent rerun, Grafana's failures, and passwords kept out of the output.
@Suite(.serialized) struct UserCommandTests {
    static let environment = [
        "ALICE_PW": "alice-first-pw", "ALICE_PW2": "alice-second-pw", "BOB_PW": "bob-pw-1234",
        "OLD_PW": "admin", "NEW_PW": "admin-new-pw", "WRONG_PW": "not-the-password",
    ]

    static func start(_ version: String = "11.4.0") async throws -> SandboxHarness {
        try await SandboxHarness.start(
            version: version,
            options: GrafanaShellHost.Options(environment: environment)
        )
    }

    /// No password read from the environment reaches standard output or standard error.
    static func expectNoPasswords(_ harness: SandboxHarness) {
        for password in environment.values where password != "admin" {
            #expect(!harness.sink.standardOutput.contains(password), "\(password) in stdout")
            #expect(!harness.sink.standardError.contains(password), "\(password) in stderr")
        }
    }

    @Test(arguments: ["11.4.0", "9.5.0", "12.1.0"])
    func aUsersWholeLifeByName(version: String) async throws {
        let harness = try await Self.start(version)
        defer { Task { await harness.stop() } }
        let outcome = await harness.run(
            """
            user create alice --email alice@example.com --name Alice --password-env ALICE_PW
            assert $user.login == "alice" and $user.id > 0
            let id = $user.id
            user create alice --password-env ALICE_PW --if-missing
            assert $user.existing and $user.id == $id
            user show alice@example.com
            assert $user.name == "Alice"
            user update alice --name "Alice Smith"
            user show $id
            assert $user.name == "Alice Smith" and $user.email == "alice@example.com"
            user admin alice on
            user show alice
            assert $user.isGrafanaAdmin
            user admin alice off
            user disable alice
            user show alice
            assert $user.isDisabled
            user enable alice
            let orgs = (user orgs alice)
            assert $orgs[0].name == "Main Org." and $orgs[0].role == "Viewer"
            user password alice --password-env ALICE_PW2
            """
        )
        expectSuccess(outcome, harness)
        let alice = GrafanaClient(
            configuration: .init(
                baseURL: URL(string: harness.url)!,
                credentials: .basic(user: "alice", password: "alice-second-pw")
            )
        )
        #expect(try await alice.currentUser().login == "alice")

        let deleted = await harness.run(
            """
            user delete alice
            assert $_.deleted
            user delete alice --if-exists
            assert $_.deleted == false
            """
        )
        expectSuccess(deleted, harness)
        let gone = await harness.run("user show alice")
        #expect(gone.status == .failed)
        #expect(
            gone.diagnostics.first?.message
                == "Look up user failed: user not found (404 Not Found, GET /api/users/lookup)"
        )
        Self.expectNoPasswords(harness)
    }

    @Test func aTakenLoginFailsWithGrafanasAnswerUnlessIfMissing() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        expectSuccess(await harness.run("user create bob --password-env BOB_PW"), harness)
        let again = await harness.run("user create bob --password-env BOB_PW")
        #expect(again.status == .failed)
        let failure = try #require(again.diagnostics.first)
        #expect(
            failure.message
                == "Create user failed: User with email '' or username 'bob' already exists (412 Precondition Failed, POST /api/admin/users)"
        )
        #expect(failure.hint == "Use 'user create LOGIN --if-missing' to reuse it, or 'try' to carry on.")
        expectSuccess(
            await harness.run(
                "try user create bob --password-env BOB_PW\nassert $error.code == \"grafana.precondition-failed\""
            ),
            harness
        )
    }

    @Test func aPasswordComesOnlyFromTheEnvironmentOrAFile() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let none = await harness.run("user create carol")
        #expect(none.status == .failed)
        #expect(none.diagnostics.first?.message == "'user create' needs a password")
        #expect(try await harness.adminClient().allUsers(query: "carol").isEmpty)

        let unset = await harness.run("user create carol --password-env NOT_SET")
        #expect(unset.diagnostics.first?.message == "The environment variable NOT_SET is not set")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("carol.pw").path
        _ = FileManager.default.createFile(
            atPath: file,
            contents: Data("carol-file-pw\n".utf8),
            attributes: [.posixPermissions: 0o644]
        )
        expectSuccess(await harness.run("user create carol --password-file \(file)"), harness)
        #expect(harness.sink.standardError.contains("accessible by other users (mode 0644)"))
        #expect(!harness.sink.standardError.contains("carol-file-pw"))
        let carol = GrafanaClient(
            configuration: .init(
                baseURL: URL(string: harness.url)!,
                credentials: .basic(user: "carol", password: "carol-file-pw")
            )
        )
        #expect(try await carol.currentUser().login == "carol")
    }

    @Test func userListReadsEveryPageUnlessAskedForOne() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let admin = harness.adminClient()
        for index in 1...5 {
            _ = try await admin.createUser(login: "u\(index)", email: nil, name: nil, password: "pw-\(index)-pw")
        }
        expectSuccess(
            await harness.run(
                """
                let all = (user list --per-page 2)
                assert $all[0].login == "admin" and $all[5].login == "u5"
                let page = (user list --page 2 --per-page 2)
                assert $page[0].login == "u2" and $page[1].login == "u3"
                let some = (user list --query u --all)
                assert $some[4].login == "u5"
                """
            ),
            harness
        )
        let both = await harness.run("user list --page 1 --all")
        #expect(both.diagnostics.first?.message == "Give --page or --all, not both")
    }

    @Test func userUpdateNeedsSomethingToChange() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let outcome = await harness.run("user update admin")
        #expect(outcome.diagnostics.first?.message == "Nothing to update")
    }

    @Test func userCommandsNeedAServerAdmin() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        _ = try await harness.adminClient().createUser(login: "bob", email: nil, name: nil, password: "bob-pw-1234")
        let outcome = await harness.run("connect \(harness.url) --user bob --password-env BOB_PW\nuser list")
        #expect(outcome.status == .failed)
        let failure = try #require(outcome.diagnostics.first)
        #expect(
            failure.message
                == "Search users failed: You'll need additional permissions to perform this action. Permissions needed: users:read (403 Forbidden, GET /api/users/search)"
        )
        #expect(failure.hint?.hasPrefix("'user' commands act on the whole server") == true)
        Self.expectNoPasswords(harness)
    }

    // MARK: me

    @Test func meShowsListsAndChangesThePasswordItSignedInWith() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                me
                assert $me.login == "admin" and $me.isGrafanaAdmin and $me.orgId == 1
                let orgs = (me orgs)
                assert $orgs[0].role == "Admin"
                me password --old-env OLD_PW --new-env NEW_PW
                me
                assert $me.login == "admin"
                """
            ),
            harness
        )
        // The server has the new password, and the session went on with it.
        let renewed = GrafanaClient(
            configuration: .init(
                baseURL: URL(string: harness.url)!,
                credentials: .basic(user: "admin", password: "admin-new-pw")
            )
        )
        #expect(try await renewed.currentUser().login == "admin")
        Self.expectNoPasswords(harness)
    }

    @Test(arguments: [("9.5.0", 401, "grafana.unauthorized"), ("11.4.0", 400, "grafana.bad-request")])
    func aWrongOldPasswordIsGrafanasFailure(version: String, status: Int, code: String) async throws {
        let harness = try await Self.start(version)
        defer { Task { await harness.stop() } }
        let outcome = await harness.run(
            """
            try me password --old-env WRONG_PW --new-env NEW_PW
            assert $error.status == \(status) and $error.code == "\(code)"
            """
        )
        expectSuccess(outcome, harness)
        Self.expectNoPasswords(harness)
    }

    @Test func aLiteralPasswordWorksButIsWarnedAbout() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        expectSuccess(await harness.run("me password --old admin --new literal-new-pw"), harness)
        #expect(harness.sink.standardError.contains("the new password was given on the command line"))
        #expect(!harness.sink.standardError.contains("literal-new-pw"))
        #expect(harness.host.knownSecrets.contains("literal-new-pw"))
        // The old password equals the login, which stays readable.
        #expect(!harness.host.knownSecrets.contains("admin"))
        expectSuccess(await harness.run("me\necho $me.login"), harness)
        #expect(harness.sink.standardOutput.hasSuffix("admin\n"))
    }

    @Test func meSwitchMakesTheOrgCurrentForTheUserAndTheSession() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                org create elsewhere
                me switch elsewhere
                assert $_.name == "elsewhere"
                me
                assert $me.orgId == $org.id
                """
            ),
            harness
        )
        // Persistent: a fresh client with no org header is in the new org too.
        #expect(try await harness.adminClient().currentUser().orgId > 1)
        let nowhere = await harness.run("me switch nowhere")
        #expect(nowhere.diagnostics.first?.message == "User 'admin' is not a member of org 'nowhere'")
    }

    // MARK: team

    @Test(arguments: ["11.4.0", "9.5.0", "12.1.0"])
    func teamsByNameRerunChangingNothing(version: String) async throws {
        let harness = try await Self.start(version)
        defer { Task { await harness.stop() } }
        let admin = harness.adminClient()
        // The people part of an onboarding runbook: every line is rerunnable.
        let script = """
            user create alice --email alice@example.com --password-env ALICE_PW --if-missing
            user create bob --email bob@example.com --password-env BOB_PW --if-missing
            team create platform --email platform@example.com --if-missing
            let added = (team member add platform alice bob)
            let admins = (team admin add platform alice)
            let members = (team member list platform)
            """
        expectSuccess(
            await harness.run(
                script + """

                    assert $added[0].status == "added" and $added[1].status == "added"
                    assert $admins[0].status == "admin"
                    """
            ),
            harness
        )
        expectSuccess(
            await harness.run(
                script + """

                    assert $team.existing and $user.existing
                    assert $added[0].status == "unchanged" and $added[1].status == "unchanged"
                    assert $admins[0].status == "unchanged"
                    """
            ),
            harness
        )
        let team = try #require(try await admin.findTeam(named: "platform"))
        let members = try await admin.teamMembers(teamID: team.id)
        #expect(members.filter { $0.login != "admin" }.map(\.login).sorted() == ["alice", "bob"])
        #expect(members.first { $0.login == "alice" }?.isAdmin == true)
        #expect(members.first { $0.login == "bob" }?.isAdmin == false)

        expectSuccess(
            await harness.run(
                """
                let demoted = (team admin remove platform alice bob)
                assert $demoted[0].status == "member" and $demoted[1].status == "unchanged"
                let removed = (team member remove platform bob)
                assert $removed[0].status == "removed"
                let again = (team member remove platform bob)
                assert $again[0].status == "absent"
                team rename platform infra
                team show infra
                assert $team.name == "infra" and $team.email == "platform@example.com"
                let listed = (team list --query inf)
                assert $listed[0].name == "infra"
                team delete infra
                team delete infra --if-exists
                assert $_.deleted == false
                """
            ),
            harness
        )
        #expect(try await admin.allTeams().isEmpty)
    }

    @Test func aTakenTeamNameAndUnknownNamesAreExplained() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        expectSuccess(await harness.run("team create ops"), harness)
        let taken = await harness.run("team create ops")
        #expect(taken.diagnostics.first?.message.contains("Team name taken") == true)
        #expect(
            taken.diagnostics.first?.hint == "Use 'team create NAME --if-missing' to reuse it, or 'try' to carry on."
        )
        let typo = await harness.run("team show opz")
        #expect(typo.diagnostics.first?.message == "No team 'opz' in this org")
        #expect(typo.diagnostics.first?.hint == "Did you mean 'ops'?")
        let nobody = await harness.run("team member add ops nobody")
        #expect(nobody.diagnostics.first?.message == "No user 'nobody'")
        let admin = harness.adminClient()
        let elsewhere = try #require(try await admin.createOrg(name: "elsewhere").answer?.orgId)
        _ = try await admin.createUser(login: "out", email: nil, name: nil, password: "out-pw-1", orgID: elsewhere)
        let outsider = await harness.run("team member add ops out")
        #expect(outsider.diagnostics.first?.message.contains("Failed to add Member to Team") == true)
        #expect(outsider.diagnostics.first?.hint?.contains("'org user add out'") == true)
    }

    @Test func teamNamesCompleteFromTheServer() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        for name in ["ops", "dev"] { _ = try await harness.adminClient().createTeam(name: name, email: nil) }
        let names = try await GrafanaLiveNames(host: harness.host).names(for: .teamName)
        #expect(names == ["dev", "ops"])
        let spec = try #require(GFSCommandCatalog.table.command(["team", "member", "add"]))
        #expect(spec.arguments.first?.completion == .teamName)
    }

    @Test func teamListPagesThroughEveryTeam() async throws {
        let harness = try await Self.start()
        defer { Task { await harness.stop() } }
        let admin = harness.adminClient()
        for index in 1...5 { _ = try await admin.createTeam(name: "t\(index)", email: nil) }
        expectSuccess(
            await harness.run(
                """
                let all = (team list --per-page 2)
                assert $all[4].name == "t5"
                let page = (team list --page 3 --per-page 2)
                assert $page[0].name == "t5"
                """
            ),
            harness
        )
    }

    @Test func aDryRunPlansUserAndTeamWritesAndSendsNone() async throws {
        let harness = try await SandboxHarness.start(
            options: GrafanaShellHost.Options(dryRun: true, environment: Self.environment)
        )
        defer { Task { await harness.stop() } }
        expectSuccess(
            await harness.run(
                """
                user create dave --password-env BOB_PW
                assert $user.dryRun
                team create planned
                assert $team.dryRun
                """
            ),
            harness
        )
        #expect(harness.sink.standardError.contains("dry run: create user: curl"))
        #expect(!harness.sink.standardError.contains("bob-pw-1234"))
        #expect(try await harness.adminClient().allUsers(query: "dave").isEmpty)
        #expect(try await harness.adminClient().allTeams().isEmpty)
    }
}
