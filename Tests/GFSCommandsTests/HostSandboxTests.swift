import Foundation
import GFSLanguage
import GrafanaAPI
import Testing

@testable import GFSCommands

/// The host against an in-process sandbox on a real port: the mission, each command's success
/// and failure, dry runs and secrets.
@Suite(.serialized) struct HostSandboxTests {
    static let mission = """
        org create apiorg
        use $org
        key create apikeycurl admin
        use $key
        dashboard push \(SandboxHarness.repositoryFile("examples/production-overview.json"))
        """

    /// The two profiles of the issue, and 8.5.0 for the legacy `/api/auth/keys` path.
    @Test(arguments: ["11.4.0", "9.5.0", "8.5.0"])
    func theMissionLeavesTheTutorialsState(version: String) async throws {
        let harness = try await SandboxHarness.start(version: version)
        defer { Task { await harness.stop() } }
        let outcome = await harness.run(Self.mission)
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message)) \(harness.sink.standardError)")

        // The org exists, the key is an Admin key of that org, the dashboard lives in it.
        let orgs = try await harness.adminClient().orgs()
        let apiorg = try #require(orgs.first { $0.name == "apiorg" })
        let key = try #require(await harness.interpreter.variable("key")?.recordValue)
        #expect(key["orgId"] == .int(Int(apiorg.id)))
        #expect(key["role"] == .string("Admin"))
        #expect(key["kind"] == .string(version == "8.5.0" ? "api-key" : "service-account-token"))
        let token = try #require(key["key"]?.stringValue)
        let asToken = harness.tokenClient(token)
        #expect(try await asToken.currentOrg().id == apiorg.id)
        let hits = try await asToken.search(SearchQuery(query: "Production Overview"))
        #expect(hits.map(\.title) == ["Production Overview"])
        let inMainOrg = try await harness.adminClient(org: 1).search(SearchQuery(query: "Production Overview"))
        #expect(inMainOrg.isEmpty)

        // The secret never reached the output (not a terminal, not asked).
        #expect(!harness.sink.standardOutput.contains(token))
        #expect(!harness.sink.standardError.contains(token))
        #expect(harness.host.knownSecrets.contains(token))
    }

    @Test func aRerunReportsTheDashboardUnchanged() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let path = SandboxHarness.repositoryFile("examples/production-overview.json")
        #expect(await harness.run("dashboard push \(path)").status == .success)
        #expect(
            await harness.run("dashboard push \(path)\nassert $dashboard.status == \"unchanged\"").status == .success
        )
    }

    @Test func anExistingDifferentDashboardIsNotClobbered() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-push-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try #"{"uid": "svc", "title": "Service"}"#.write(
            toFile: directory + "/svc.json",
            atomically: true,
            encoding: .utf8
        )
        #expect(await harness.run("dashboard push \(directory)/svc.json").status == .success)
        try #"{"uid": "svc", "title": "Service v2"}"#.write(
            toFile: directory + "/svc.json",
            atomically: true,
            encoding: .utf8
        )
        let refused = await harness.run("dashboard push \(directory)/svc.json")
        #expect(refused.status == .failed)
        #expect(
            refused.diagnostics.first?.message
                == "\(directory)/svc.json: dashboard 'svc' already exists on the server with other content"
        )
        #expect(
            refused.diagnostics.first?.hint
                == "Pass --overwrite to replace it, or 'dashboard diff \(directory)/svc.json' to see the difference."
        )
        let forced = await harness.run(
            "dashboard push \(directory)/svc.json --overwrite\nassert $dashboard.status == \"updated\""
        )
        #expect(forced.status == .success, "\(forced.diagnostics.map(\.message))")
        let model = try await harness.adminClient().dashboard(uid: "svc")
        #expect(String(decoding: model.dashboard, as: UTF8.self).contains("Service v2"))
    }

    @Test func manyFilesGoOutAndTheSummaryNamesTheFailures() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-many-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for index in 1...12 {
            try #"{"uid": "d\#(index)", "title": "Dashboard \#(index)"}"#.write(
                toFile: "\(directory)/d\(index).json",
                atomically: true,
                encoding: .utf8
            )
        }
        let outcome = await harness.run(
            "dashboard push \(directory) --jobs 3\nassert $dashboard[11].status == \"created\""
        )
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message))")
        let hits = try await harness.adminClient().search(SearchQuery(type: .dashboard))
        #expect(hits.count == 12)

        // One file changed and one new: without --overwrite the changed one fails, by name.
        try #"{"uid": "d1", "title": "Changed"}"#.write(
            toFile: "\(directory)/d1.json",
            atomically: true,
            encoding: .utf8
        )
        try #"{"uid": "d13", "title": "Dashboard 13"}"#.write(
            toFile: "\(directory)/d13.json",
            atomically: true,
            encoding: .utf8
        )
        let second = await harness.run("dashboard push \(directory)")
        #expect(second.status == .failed)
        #expect(second.diagnostics.first?.message == "1 of 13 dashboards failed: \(directory)/d1.json")
        #expect(harness.sink.standardError.contains("13 dashboard files: 1 created, 1 failed, 11 unchanged"))
    }

    @Test func malformedJSONStopsBeforeAnyRequest() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let directory = NSTemporaryDirectory() + "gfs-bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try #"{"uid": "good", "title": "Good"}"#.write(toFile: "\(directory)/a.json", atomically: true, encoding: .utf8)
        try "{\n  \"title\": \"Bad\"\n  \"uid\": \"bad\"\n}".write(
            toFile: "\(directory)/b.json",
            atomically: true,
            encoding: .utf8
        )
        let outcome = await harness.run("dashboard push \(directory)")
        #expect(outcome.status == .failed)
        #expect(outcome.diagnostics.first?.message.hasPrefix("\(directory)/b.json:3:3: ") == true)
        #expect(try await harness.adminClient().search(SearchQuery(type: .dashboard)).isEmpty)
    }

    @Test func aMissingFileIsNamed() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let outcome = await harness.run("dashboard push /nonexistent/prod.json")
        #expect(outcome.diagnostics.first?.message == "/nonexistent/prod.json: No such file")
    }

    @Test func orgCreateTwiceConflictsUnlessIfMissing() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        #expect(await harness.run("org create ops").status == .success)
        let conflict = await harness.run("org create ops")
        #expect(conflict.status == .failed)
        #expect(
            conflict.diagnostics.first?.message
                == "Create organization failed: Organization name taken (409 Conflict, POST /api/orgs)"
        )
        #expect(
            conflict.diagnostics.first?.hint
                == "Use 'org create NAME --if-missing' to reuse it, or 'try' to carry on."
        )
        let again = await harness.run("org create ops --if-missing\nassert $org.existing")
        #expect(again.status == .success, "\(again.diagnostics.map(\.message))")
        let tried = await harness.run("try org create ops\nassert $error.status == 409")
        #expect(tried.status == .success, "\(tried.diagnostics.map(\.message))")
    }

    @Test func useOrgRefusesAnOrgTheUserIsNotIn() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let outcome = await harness.run("use org nowhere")
        #expect(outcome.diagnostics.first?.message == "User 'admin' is not a member of org 'nowhere'")
        #expect(
            outcome.diagnostics.first?.hint
                == "Add the user to it first, e.g. 'org user add admin --role Admin --org nowhere'."
        )
    }

    @Test func aTokenIsRefusedInAnotherOrg() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let outcome = await harness.run(
            """
            org create first
            org create second
            use org first
            key create k admin
            use $key
            use org second
            """
        )
        #expect(outcome.status == .failed)
        #expect(outcome.diagnostics.first?.message.hasPrefix("The token in use belongs to org") == true)
    }

    @Test func badCredentialsGiveTheServersMessage() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let outcome = await harness.run("use token glsa_notarealtoken_0000\norg list")
        #expect(outcome.status == .failed)
        #expect(
            outcome.diagnostics.first?.message
                == "Get current organization failed: Invalid API key (401 Unauthorized, GET /api/org)"
        )
        #expect(outcome.diagnostics.first?.message.contains("glsa_notarealtoken_0000") == false)
    }

    @Test func aViewerTokenIsForbiddenToCreateAnOrg() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let outcome = await harness.run("key create viewer viewer\nuse $key\norg create nope")
        #expect(outcome.status == .failed)
        #expect(
            outcome.diagnostics.first?.message
                == "Create organization failed: You'll need additional permissions to perform this action. Permissions needed: orgs:create (403 Forbidden, POST /api/orgs)"
        )
    }

    @Test func unknownDashboardIs404() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let outcome = await harness.run("dashboard pull nope")
        #expect(
            outcome.diagnostics.first?.message
                == "Get dashboard failed: Dashboard not found (404 Not Found, GET /api/dashboards/uid/nope)"
        )
    }

    @Test func connectionRefusedNamesTheURL() async throws {
        let context = GrafanaContext(
            url: URL(string: "http://127.0.0.1:9")!,
            authentication: .basic(user: "admin", password: "admin")
        )
        let sink = CapturingSink()
        let host = GrafanaShellHost(context: context, options: .init(environment: [:]), sink: sink)
        let outcome = await Interpreter(host: host).run(SourceFile(name: "t.gfs", text: "org list"))
        #expect(
            outcome.diagnostics.first?.message
                == "List organizations failed: Cannot connect to http://127.0.0.1:9 (connection refused, GET /api/orgs)"
        )
        #expect(outcome.diagnostics.first?.message.contains("admin") == false)
    }

    @Test func aDryRunSendsNoWriteAndStillEvaluates() async throws {
        let harness = try await SandboxHarness.start(options: .init(dryRun: true, environment: [:]))
        defer { Task { await harness.stop() } }
        let outcome = await harness.run(Self.mission + "\nassert $key.dryRun\nassert $dashboard.status == \"planned\"")
        #expect(outcome.status == .success, "\(outcome.diagnostics.map(\.message))")
        #expect(try await harness.adminClient().orgs().map(\.name) == ["Main Org."])
        #expect(try await harness.adminClient().search(SearchQuery()).isEmpty)
        let stderr = harness.sink.standardError
        #expect(stderr.contains("dry run: create organization: curl -X POST"))
        #expect(stderr.contains("-u admin:***"))
        #expect(!stderr.contains("admin:admin"))
    }

    @Test func theSecretIsShownOnlyWhenAsked() async throws {
        let quiet = try await SandboxHarness.start(options: .init(output: .json, environment: [:]))
        defer { Task { await quiet.stop() } }
        #expect(await quiet.run("key create k admin").status == .success)
        let secret = try #require(await quiet.interpreter.variable("key")?["key"]?.stringValue)
        #expect(!quiet.sink.standardOutput.contains(secret))
        #expect(quiet.sink.standardOutput.contains(#""key":"***""#))

        let asked = try await SandboxHarness.start(options: .init(output: .json, showSecrets: true, environment: [:]))
        defer { Task { await asked.stop() } }
        #expect(await asked.run("key create k admin").status == .success)
        let shown = try #require(await asked.interpreter.variable("key")?["key"]?.stringValue)
        #expect(asked.sink.standardOutput.contains(shown))
    }

    @Test func saveWritesTheSecretWithMode0600() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        let path = NSTemporaryDirectory() + "gfs-key-\(UUID().uuidString)"
        #expect(await harness.run("key create saved editor --save \(path)").status == .success)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let secret = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(await harness.interpreter.variable("key")?["key"]?.stringValue == secret)
    }

    @Test func contextShowsEverythingButTheSecret() async throws {
        let harness = try await SandboxHarness.start()
        defer { Task { await harness.stop() } }
        #expect(await harness.run("context").status == .success)
        let output = harness.sink.standardOutput
        #expect(output.contains("auth     basic"))
        #expect(output.contains("version  11.4.0"))
        #expect(output.contains("org      Main Org. (id 1)"), "\(output)")
        #expect(!output.contains("admin:admin"))
    }
}
